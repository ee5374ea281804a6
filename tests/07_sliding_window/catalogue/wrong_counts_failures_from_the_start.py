"""Evicts the oldest outcome once full, but never subtracts an evicted failure: failures count from the start."""
from harness.derive import inherit

CAUGHT_BY = ["test_window_holds_the_last_size_outcomes",
             "test_a_failure_that_slid_out_no_longer_counts",
             "test_window_of_size_one"]
reference = inherit(globals(), __file__)


class CountWindow(reference.CountWindow):
    def record(self, failed):
        slot = self._next
        if self._total < self.size:
            self._total += 1
        # once full, the slot's old outcome is overwritten but its failure is never subtracted
        self._failed[slot] = 1 if failed else 0
        self._failures += self._failed[slot]
        self._next = (slot + 1) % self.size


class CircuitBreaker(reference.CircuitBreaker):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._window = CountWindow(self.window_size)  # the window above
