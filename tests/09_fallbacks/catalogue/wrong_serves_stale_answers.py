"""Ignores max_age: serves the last good answer however old it is."""
from harness.derive import inherit

CAUGHT_BY = [
    "test_cache_never_serves_an_answer_older_than_max_age",
    "test_invalid_settings_raise_value_error",
]
reference = inherit(globals(), __file__)


class LastGoodCache(LastGoodCache):
    def __call__(self, error, *args, **kwargs):
        with self._lock:
            entry = self._entries.get(_key(args, kwargs))
        if entry is None:
            raise CacheMiss(f"nothing for {args}")
        return entry[1]  # old is better than nothing?
