"""Restarts the time in state only on entering OPEN or CLOSED: HALF_OPEN reports the time since
the breaker opened."""
from harness.derive import inherit

CAUGHT_BY = ["test_seconds_in_state_restart_at_each_transition"]
reference = inherit(globals(), __file__)


class CircuitBreaker(reference.CircuitBreaker):
    def _move_to(self, new, now):
        entered_at = self._entered_at
        event = super()._move_to(new, now)
        if new is State.HALF_OPEN:
            self._entered_at = entered_at  # "still recovering from the same outage"
        return event
