"""No lock, and no dict: the entries are a list scanned with ==, so the key is never hashed; a lookup that drops a stale entry can drop the fresh one recorded meanwhile."""
from harness.derive import inherit

CAUGHT_BY = ["test_the_cache_is_safe_to_share_between_threads"]
REPEAT = 5
reference = inherit(globals(), __file__)


class LastGoodCache(reference.LastGoodCache):
    def __init__(self, max_age, *, clock=time.monotonic):
        super().__init__(max_age, clock=clock)
        self._list = []  # (args, kwargs, recorded at, answer)

    def record(self, value, *args, **kwargs):
        for i, (a, k, _, _) in enumerate(self._list):
            if a == args and k == kwargs:
                self._list[i] = (args, dict(kwargs), self._clock(), value)
                return
        self._list.append((args, dict(kwargs), self._clock(), value))

    def __call__(self, error, *args, **kwargs):
        for i, (a, k, recorded, value) in enumerate(self._list):
            if a == args and k == kwargs:
                if self._clock() - recorded >= self.max_age:
                    del self._list[i]  # by index: maybe the fresh entry by now
                    break
                return value
        raise CacheMiss(f"no fresh answer for {args!r}")
