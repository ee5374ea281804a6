"""Stores a timestamp per call and never evicts: reads filter the whole list by age."""
from harness.derive import inherit

CAUGHT_BY = ["test_memory_does_not_grow_with_the_call_rate"]
reference = inherit(globals(), __file__)


class TimeWindow(reference.TimeWindow):
    def __init__(self, window_seconds, buckets, clock):
        super().__init__(window_seconds, buckets, clock)
        self._log = []  # (time, failed, slow) for every call ever recorded

    def record(self, failed, slow=False):
        self._log.append((self._clock(), bool(failed), bool(slow)))

    def _catch_up(self):
        """Recount the totals from the calls younger than the window (called by every read)."""
        cutoff = self._clock() - self.window_seconds
        live = [entry for entry in self._log if entry[0] > cutoff]
        self._total = len(live)
        self._failures = sum(1 for _, failed, _ in live if failed)
        self._slow_calls = sum(1 for _, _, slow in live if slow)

    def clear(self):
        super().clear()
        self._log = []


class CircuitBreaker(reference.CircuitBreaker):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._window = TimeWindow(self._window.window_seconds, self._window.buckets,
                                  self._clock)  # the window above
