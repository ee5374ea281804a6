"""Reads the clock first, then looks up and drops a stale answer without a lock: a fresh answer
recorded between the lookup and the drop is dropped too."""
from harness.derive import inherit

CAUGHT_BY = ["test_the_cache_is_safe_to_share_between_threads"]
REPEAT = 5
reference = inherit(globals(), __file__)


class LastGoodCache(reference.LastGoodCache):
    def __call__(self, error, *args, **kwargs):
        now = self._clock()
        key = _key(args, kwargs)
        entry = self._entries.get(key)
        if entry is None or now - entry[0] >= self.max_age:
            self._entries.pop(key, None)  # "dict operations are atomic" - one by one, yes
            raise CacheMiss(f"no fresh answer for {key!r}")
        return entry[1]
