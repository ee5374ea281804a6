"""Keeps one last good answer for every call: user 2 may get user 1's profile."""
from harness.derive import inherit

CAUGHT_BY = [
    "test_cache_serves_the_last_good_answer_for_the_same_arguments",
    "test_an_outage_is_served_from_cache_and_default_then_recovers",
]
reference = inherit(globals(), __file__)


class LastGoodCache(LastGoodCache):
    def record(self, value, *args, **kwargs):
        with self._lock:
            self._entries["last"] = (self._clock(), value)

    def __call__(self, error, *args, **kwargs):
        with self._lock:
            entry = self._entries.get("last")
        if entry is None or self._clock() - entry[0] >= self.max_age:
            raise CacheMiss("nothing fresh")
        return entry[1]
