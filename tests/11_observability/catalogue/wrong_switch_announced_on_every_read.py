"""Derives HALF_OPEN when the state is read, and announces the switch on every read."""
from harness.derive import inherit

CAUGHT_BY = ["test_each_transition_is_announced_once"]
reference = inherit(globals(), __file__)


class CircuitBreaker(reference.CircuitBreaker):
    @property
    def state(self):
        with self._lock:
            state, now = self._state, self._clock()
            due = state is State.OPEN and now - self._opened_at >= self._recovery_timeout
        if due:
            # The misconception: the coming switch is announced each time someone looks;
            # the real switch, at the next call, is announced once more.
            self._publish([Event(STATE_CHANGE, self.name, now, from_state=State.OPEN,
                                 to_state=State.HALF_OPEN)])
            return State.HALF_OPEN
        return state
