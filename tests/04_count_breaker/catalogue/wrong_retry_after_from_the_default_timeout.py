"""Computes retry_after from the default 30 s open period, not from the breaker's own recovery_timeout."""
from harness.derive import inherit

CAUGHT_BY = ["test_retry_after_counts_down_with_the_clock"]
reference = inherit(globals(), __file__)


class CircuitBreaker(reference.CircuitBreaker):
    def _retry_after(self):
        if self._state is State.OPEN:  # the mistake: the default, not self.recovery_timeout
            return max(0.0, self._opened_at + 30.0 - self._clock())
        return 0.0
