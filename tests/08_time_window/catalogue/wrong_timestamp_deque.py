"""Evicts correctly, but keeps one timestamp per call: memory grows with the call rate."""
import collections

from harness.derive import inherit

CAUGHT_BY = ["test_memory_does_not_grow_with_the_call_rate"]
reference = inherit(globals(), __file__)


class TimeWindow(reference.TimeWindow):
    def __init__(self, window_seconds, buckets, clock):
        super().__init__(window_seconds, buckets, clock)
        self._log = collections.deque()  # (time, failed, slow) for each call in the window

    def _catch_up(self):
        cutoff = self._clock() - self.window_seconds
        while self._log and self._log[0][0] <= cutoff:
            _, failed, slow = self._log.popleft()
            self._total -= 1
            self._failures -= failed
            self._slow_calls -= slow

    def record(self, failed, slow=False):
        self._catch_up()
        self._log.append((self._clock(), bool(failed), bool(slow)))
        self._total += 1
        self._failures += bool(failed)
        self._slow_calls += bool(slow)

    def clear(self):
        super().clear()
        self._log = collections.deque()


class CircuitBreaker(reference.CircuitBreaker):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._window = TimeWindow(self._window.window_seconds, self._window.buckets,
                                  self._clock)  # the window above
