"""Counts retry_after down from the first time the breaker opened: after a failed trial it says 0 while the breaker rejects calls for another full timeout."""
from harness.derive import inherit

CAUGHT_BY = ["test_retry_after_counts_down_with_the_clock"]
reference = inherit(globals(), __file__)


class CircuitBreaker(reference.CircuitBreaker):
    def _transition_to(self, new_state):
        first = getattr(self, "_first_opened_at", None)
        super()._transition_to(new_state)
        if new_state is State.OPEN and first is None:
            self._first_opened_at = self._opened_at
        elif new_state is State.CLOSED:
            self._first_opened_at = None

    def _retry_after(self):
        if self._state is State.OPEN:  # the mistake: the outage's start, not the last opening
            return max(0.0, self._first_opened_at + self.recovery_timeout - self._clock())
        return 0.0
