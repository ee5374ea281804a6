"""Reports retry_after as the whole recovery_timeout instead of the time that remains."""
from harness.derive import inherit

CAUGHT_BY = ["test_retry_after_counts_down_with_the_clock"]
reference = inherit(globals(), __file__)


class CircuitBreaker(reference.CircuitBreaker):
    def _retry_after(self):
        if self._state is State.OPEN:
            return self.recovery_timeout  # the mistake: not counting down
        return super()._retry_after()
