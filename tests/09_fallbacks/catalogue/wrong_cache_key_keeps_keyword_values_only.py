"""Keys the cache by the positional arguments and the set of keyword *values*: fields='name'
finds the answer recorded for expand='name'."""
from harness.derive import inherit

CAUGHT_BY = ["test_cache_keys_are_the_call_arguments"]
reference = inherit(globals(), __file__)


def _key(args, kwargs):
    return args, frozenset(kwargs.values())


class LastGoodCache(reference.LastGoodCache):
    def record(self, value, *args, **kwargs):
        with self._lock:
            self._entries[_key(args, kwargs)] = (self._clock(), value)

    def __call__(self, error, *args, **kwargs):
        key = _key(args, kwargs)
        with self._lock:
            entry = self._entries.get(key)
            if entry is None or self._clock() - entry[0] >= self.max_age:
                raise CacheMiss(f"nothing fresh for {key!r}")
            return entry[1]
