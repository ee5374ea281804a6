"""Says retry_after = recovery_timeout on every rejection, however long the breaker has been open."""
from harness.derive import inherit

CAUGHT_BY = ["test_rejected_calls_are_not_counted"]
reference = inherit(globals(), __file__)


class CircuitBreaker(reference.CircuitBreaker):
    def _admit(self):
        try:
            return super()._admit()
        except CircuitOpenError as error:
            if error.retry_after > 0:
                raise CircuitOpenError(self.name, self.recovery_timeout) from None
            raise
