"""Records an answer only once per arguments (setdefault), so it serves the oldest, not the last."""
from harness.derive import inherit

CAUGHT_BY = [
    "test_cache_serves_the_last_good_answer_for_the_same_arguments",
    "test_an_outage_is_served_from_cache_and_default_then_recovers",
]
reference = inherit(globals(), __file__)


class LastGoodCache(LastGoodCache):
    def record(self, value, *args, **kwargs):
        with self._lock:
            self._entries.setdefault(_key(args, kwargs), (self._clock(), value))
