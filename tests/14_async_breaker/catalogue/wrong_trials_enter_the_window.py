"""Records each trial's outcome in the sliding window too, as if it were a CLOSED call."""
from harness.derive import inherit

CAUGHT_BY = ["test_failure_rate_shows_the_tripping_window_while_open"]
reference = inherit(globals(), __file__)


class CircuitBreaker(reference.CircuitBreaker):
    def _record_trial(self, failed):
        self._window.record(failed)
        super()._record_trial(failed)
