"""Keeps the outcomes in a list and drops the oldest with list.pop(0), which shifts every element."""
from harness.derive import inherit

CAUGHT_BY = ["test_window_cost_does_not_grow_with_its_size"]
reference = inherit(globals(), __file__)


class CountWindow(reference.CountWindow):
    def __init__(self, size):
        super().__init__(size)
        self._outcomes = []

    def record(self, failed):
        if len(self._outcomes) == self.size:
            self._failures -= self._outcomes.pop(0)  # O(size): shifts every element left
        self._outcomes.append(bool(failed))
        self._failures += bool(failed)
        self._total = len(self._outcomes)

    def clear(self):
        super().clear()
        self._outcomes = []


class CircuitBreaker(reference.CircuitBreaker):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._window = CountWindow(self.window_size)  # the window above
