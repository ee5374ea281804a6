"""Divides by the number of outcomes without looking: an empty window raises ZeroDivisionError."""
from harness.derive import inherit

CAUGHT_BY = ["test_empty_window_has_no_rate"]
reference = inherit(globals(), __file__)


class CountWindow(reference.CountWindow):
    @property
    def failure_rate(self):
        return self._failures * 100.0 / self._total  # no check for an empty window


class CircuitBreaker(reference.CircuitBreaker):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._window = CountWindow(self.window_size)  # the window above
