"""Right answers, unbounded memory: appends every outcome to a list forever and counts the last `size`."""
from harness.derive import inherit

CAUGHT_BY = ["test_window_memory_is_bounded_by_its_size"]
reference = inherit(globals(), __file__)


class CountWindow(reference.CountWindow):
    def __init__(self, size):
        super().__init__(size)
        self._outcomes = []  # every outcome ever recorded (since the last clear)

    def record(self, failed):
        self._outcomes.append(bool(failed))
        self._failures += bool(failed)
        if len(self._outcomes) > self.size:
            self._failures -= self._outcomes[-self.size - 1]
        self._total = min(len(self._outcomes), self.size)

    def clear(self):
        super().clear()
        self._outcomes = []


class CircuitBreaker(reference.CircuitBreaker):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._window = CountWindow(self.window_size)  # the window above
