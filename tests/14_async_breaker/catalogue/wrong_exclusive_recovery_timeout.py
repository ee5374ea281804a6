"""Admits a trial only once *more* than recovery_timeout has passed: at t=30 exactly, still rejected."""
from harness.derive import inherit

CAUGHT_BY = ["test_rejected_calls_are_not_counted",
             "test_recovery_timeout_zero_admits_a_trial_at_once"]
reference = inherit(globals(), __file__)


class CircuitBreaker(reference.CircuitBreaker):
    def _admit(self):
        if self._state is State.OPEN:
            waited = self._clock() - self._opened_at
            if waited <= self.recovery_timeout:
                raise CircuitOpenError(self.name, self.recovery_timeout - waited)
        return super()._admit()
