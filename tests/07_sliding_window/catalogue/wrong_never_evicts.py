"""A window that never evicts: it counts every outcome since the breaker closed."""
from harness.derive import inherit

CAUGHT_BY = ["test_window_holds_the_last_size_outcomes",
             "test_old_successes_slide_out_too",
             "test_a_failure_that_slid_out_no_longer_counts",
             "test_window_of_size_one"]
reference = inherit(globals(), __file__)


class CountWindow(reference.CountWindow):
    def record(self, failed):
        self._total += 1  # never capped at size, nothing ever leaves
        self._failures += bool(failed)


class CircuitBreaker(reference.CircuitBreaker):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._window = CountWindow(self.window_size)  # the window above
