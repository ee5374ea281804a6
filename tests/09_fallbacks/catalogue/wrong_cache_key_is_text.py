"""Keys the cache by the arguments' text: get_user(1) and get_user(1.0) become two entries."""
from harness.derive import inherit

CAUGHT_BY = ["test_cache_keys_are_the_call_arguments"]
reference = inherit(globals(), __file__)


def _text_key(args, kwargs):
    return repr(args) + repr(sorted(kwargs.items()))  # "(1,)" is not "(1.0,)"


class LastGoodCache(reference.LastGoodCache):
    def record(self, value, *args, **kwargs):
        with self._lock:
            self._entries[_text_key(args, kwargs)] = (self._clock(), value)

    def __call__(self, error, *args, **kwargs):
        key = _text_key(args, kwargs)
        with self._lock:
            entry = self._entries.get(key)
            if entry is None or self._clock() - entry[0] >= self.max_age:
                raise CacheMiss(f"nothing fresh for {key}")
            return entry[1]
