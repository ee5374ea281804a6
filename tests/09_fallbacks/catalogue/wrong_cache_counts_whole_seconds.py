"""Stamps and ages in whole seconds, like HTTP's Age header: an answer recorded at t=40.75 is
3 s old at t=43 (really 2.25 s), so it goes stale early."""
from harness.derive import inherit

CAUGHT_BY = ["test_cache_never_serves_an_answer_older_than_max_age"]
reference = inherit(globals(), __file__)


class LastGoodCache(reference.LastGoodCache):
    def record(self, value, *args, **kwargs):
        with self._lock:
            self._entries[_key(args, kwargs)] = (int(self._clock()), value)

    def __call__(self, error, *args, **kwargs):
        key = _key(args, kwargs)
        with self._lock:
            entry = self._entries.get(key)
            if entry is None or int(self._clock()) - entry[0] >= self.max_age:
                raise CacheMiss(f"nothing fresh for {key!r}")
            return entry[1]
