"""Switches to half-open only when someone reads `state`: calls alone stay rejected forever."""
from harness.derive import inherit

CAUGHT_BY = [
    "test_recovery_timeout_admits_a_trial_call",
    "test_rejections_are_not_failures_and_do_not_extend_the_open_period",
]
reference = inherit(globals(), __file__)


class CircuitBreaker(reference.CircuitBreaker):
    def _before_call(self):
        # the mistake: no self._half_open_if_due() here; the OPEN -> HALF_OPEN switch lives
        # in the `state` property only
        if self._state is State.CLOSED:
            return False
        if self._state is State.HALF_OPEN and not self._trial_running:
            self._trial_running = True
            return True
        raise CircuitOpenError(self.name, self._retry_after())
