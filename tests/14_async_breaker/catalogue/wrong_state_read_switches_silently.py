"""Reading `state` after the timeout switches to HALF_OPEN behind the listener's back (no on_state_change)."""
from harness.derive import inherit

CAUGHT_BY = ["test_permits_are_taken_with_no_await_between_check_and_take"]
reference = inherit(globals(), __file__)


class CircuitBreaker(reference.CircuitBreaker):
    @property
    def state(self):
        if self._state is State.OPEN and \
                self._clock() - self._opened_at >= self.recovery_timeout:
            self._state = State.HALF_OPEN  # "just bring it up to date"
            self._epoch += 1
            self._trials.clear()
            self._trials_admitted = 0
        return self._state
