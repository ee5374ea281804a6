"""The call that trips the breaker raises CircuitOpenError instead of its own error."""
from harness.derive import inherit

CAUGHT_BY = ["test_tripping_call_raises_its_own_error"]
reference = inherit(globals(), __file__)


class CircuitBreaker(reference.CircuitBreaker):
    def call(self, func, *args, **kwargs):
        try:
            return super().call(func, *args, **kwargs)
        except CircuitOpenError:
            raise
        except Exception as error:
            if self._state is State.OPEN:  # the mistake: hides the error that tripped it
                raise CircuitOpenError(self.name, self._retry_after()) from error
            raise
