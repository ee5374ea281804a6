"""Keeps a running total for failure_rate but answers `failures` by summing the whole ring: O(window) on every read."""
from harness.derive import inherit

CAUGHT_BY = ["test_window_cost_does_not_grow_with_its_size"]
reference = inherit(globals(), __file__)


class CountWindow(reference.CountWindow):
    @property
    def failures(self):
        return sum(self._failed)  # the mistake: walks every slot

