"""Restamps the open time on every rejection: callers who keep trying keep the breaker open."""
from harness.derive import inherit

CAUGHT_BY = ["test_rejected_calls_are_not_counted"]
reference = inherit(globals(), __file__)


class CircuitBreaker(reference.CircuitBreaker):
    def _admit(self):
        try:
            return super()._admit()
        except CircuitOpenError:
            if self._state is State.OPEN:
                self._opened_at = self._clock()
            raise
