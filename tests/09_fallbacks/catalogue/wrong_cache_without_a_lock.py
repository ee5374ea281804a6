"""No lock: a lookup dropping a stale answer can drop a fresh one recorded meanwhile."""
from harness.derive import inherit

CAUGHT_BY = ["test_the_cache_is_safe_to_share_between_threads"]
REPEAT = 5
reference = inherit(globals(), __file__)


class LastGoodCache(reference.LastGoodCache):
    def record(self, value, *args, **kwargs):
        self._entries[_key(args, kwargs)] = (self._clock(), value)

    def __call__(self, error, *args, **kwargs):
        key = _key(args, kwargs)
        entry = self._entries.get(key)
        if entry is not None and self._clock() - entry[0] >= self.max_age:
            self._entries.pop(key, None)  # may be a fresh entry by now
            entry = None
        if entry is None:
            raise CacheMiss(f"no fresh answer for {key!r}")
        return entry[1]
