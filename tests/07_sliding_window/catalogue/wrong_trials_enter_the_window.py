"""Records each trial's outcome in the window as well as in the trials' count: in HALF_OPEN and after re-opening, failure_rate no longer shows the window that tripped the breaker."""
from harness.derive import inherit

CAUGHT_BY = ["test_failure_rate_keeps_the_tripping_window"]
reference = inherit(globals(), __file__)


class CircuitBreaker(reference.CircuitBreaker):
    def _record_trial(self, failed):
        self._window.record(failed)  # the mistake: trials are judged apart, not in the window
        super()._record_trial(failed)
