"""Keys the cache by the keywords in the order written: (fields=, expand=) != (expand=, fields=)."""
from harness.derive import inherit

CAUGHT_BY = ["test_cache_keys_are_the_call_arguments"]
reference = inherit(globals(), __file__)


class LastGoodCache(reference.LastGoodCache):
    def record(self, value, *args, **kwargs):
        with self._lock:
            self._entries[(args, tuple(kwargs.items()))] = (self._clock(), value)

    def __call__(self, error, *args, **kwargs):
        key = (args, tuple(kwargs.items()))  # the order the caller happened to write
        with self._lock:
            entry = self._entries.get(key)
            if entry is None or self._clock() - entry[0] >= self.max_age:
                raise CacheMiss(f"nothing fresh for {key!r}")
            return entry[1]
