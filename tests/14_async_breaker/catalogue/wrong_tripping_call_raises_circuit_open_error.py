"""The call whose failure trips the breaker raises CircuitOpenError instead of its own error."""
from harness.derive import inherit

CAUGHT_BY = ["test_opens_when_the_failure_rate_reaches_the_threshold",
             "test_what_counts_as_a_failure"]
reference = inherit(globals(), __file__)


class CircuitBreaker(reference.CircuitBreaker):
    async def call(self, func, *args, **kwargs):
        try:
            return await super().call(func, *args, **kwargs)
        except Exception as error:
            if self._state is State.OPEN:  # pybreaker's default (throw_new_error_on_trip)
                raise CircuitOpenError(self.name, self.recovery_timeout) from error
            raise
