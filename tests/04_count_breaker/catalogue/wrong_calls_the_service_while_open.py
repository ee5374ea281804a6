"""Calls the service while open: compares the State enum with a string, which is never equal."""
from harness.derive import inherit

CAUGHT_BY = [
    "test_open_breaker_rejects_without_calling_the_service",
    "test_opens_after_threshold_consecutive_failures",
]
reference = inherit(globals(), __file__)


class CircuitBreaker(reference.CircuitBreaker):
    def _before_call(self):
        self._half_open_if_due()
        if self._state == "open":  # the mistake: State.OPEN == "open" is False
            raise CircuitOpenError(self.name, self._retry_after())
        if self._state is State.HALF_OPEN:
            if self._trial_running:
                raise CircuitOpenError(self.name, self._retry_after())
            self._trial_running = True
            return True
        return False
