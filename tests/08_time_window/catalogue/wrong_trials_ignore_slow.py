"""Judges the half-open trial calls on failures only, so slow trials close the breaker."""
from harness.derive import inherit

CAUGHT_BY = ["test_half_open_trials_are_judged_on_speed_too"]
reference = inherit(globals(), __file__)


class CircuitBreaker(reference.CircuitBreaker):
    def _record_trial(self, failed, slow):
        super()._record_trial(failed, slow=False)  # only failures matter for the trials
