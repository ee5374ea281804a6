"""Records a rejected half-open caller as a failed trial (opossum#45: short-circuits emitted failures)."""
from harness.derive import inherit

CAUGHT_BY = ["test_rejected_calls_are_not_counted"]
reference = inherit(globals(), __file__)


class CircuitBreaker(reference.CircuitBreaker):
    def _admit(self):
        try:
            return super()._admit()
        except CircuitOpenError:
            if self._state is State.HALF_OPEN:
                self._record_trial(True)
            raise
