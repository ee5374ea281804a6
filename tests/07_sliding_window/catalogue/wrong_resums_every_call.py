"""Re-sums the whole window on every read of the rate: O(window_size) per call.

It keeps a deque of booleans and recounts the failures with sum() on every call.
"""
import collections

from harness.derive import inherit

CAUGHT_BY = ["test_window_cost_does_not_grow_with_its_size"]
reference = inherit(globals(), __file__)


class CountWindow(reference.CountWindow):
    def __init__(self, size):
        super().__init__(size)
        self._outcomes = collections.deque()

    def record(self, failed):
        if len(self._outcomes) == self.size:
            self._outcomes.popleft()
        self._outcomes.append(bool(failed))
        self._total = len(self._outcomes)
        self._failures = sum(self._outcomes)

    @property
    def failure_rate(self):
        if not self._outcomes:
            return None
        return 100.0 * sum(self._outcomes) / len(self._outcomes)

    def clear(self):
        super().clear()
        self._outcomes = collections.deque()


class CircuitBreaker(reference.CircuitBreaker):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._window = CountWindow(self.window_size)  # the window above
