"""Evicts only when full, by emptying the whole window and counting from the start again."""
from harness.derive import inherit

CAUGHT_BY = ["test_window_holds_the_last_size_outcomes",
             "test_old_successes_slide_out_too",
             "test_a_failure_that_slid_out_no_longer_counts"]
reference = inherit(globals(), __file__)


class CountWindow(reference.CountWindow):
    def record(self, failed):
        if self._total == self.size:
            self.clear()  # the whole window leaves at once, not just the oldest outcome
        super().record(failed)


class CircuitBreaker(reference.CircuitBreaker):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._window = CountWindow(self.window_size)  # the window above
