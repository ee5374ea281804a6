"""Every lookup sweeps all stale answers out, without the lock that record takes: an answer
recorded while the sweep runs is swept out with the stale ones."""
from harness.derive import inherit

CAUGHT_BY = ["test_the_cache_is_safe_to_share_between_threads"]
REPEAT = 5
reference = inherit(globals(), __file__)


class LastGoodCache(reference.LastGoodCache):
    def __call__(self, error, *args, **kwargs):
        now = self._clock()
        for key, (recorded_at, _) in list(self._entries.items()):
            if now - recorded_at >= self.max_age:
                del self._entries[key]  # keeps memory bounded, and races with record
        entry = self._entries.get(_key(args, kwargs))
        if entry is None:
            raise CacheMiss(f"no fresh answer for {args!r}")
        return entry[1]
