"""clear() empties the slots but forgets to reset the failure count."""
from harness.derive import inherit

CAUGHT_BY = ["test_window_clear_forgets_everything"]
reference = inherit(globals(), __file__)


class CountWindow(reference.CountWindow):
    def clear(self):
        failures = self._failures
        super().clear()
        self._failures = failures  # the mistake
