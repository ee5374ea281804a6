"""Locks the state check and the permit grab separately: every racer takes 'the first' permit."""
from harness.derive import inherit

CAUGHT_BY = ["test_one_trial_transition_when_callers_race"]
REPEAT = 20
reference = inherit(globals(), __file__)


class CircuitBreaker(reference.CircuitBreaker):
    def _admit(self):
        with self._lock:  # check the state under the lock...
            before = self._status
        if before.state is CLOSED:
            return before
        now = self._clock()
        after = before.admit(now, self._settings)
        if after is None:
            raise CircuitOpenError(self._name, before.retry_after(now, self._settings))
        with self._lock:  # ...then act on that decision in a second critical section
            self._status = after  # the mistake: the status may have changed in between
        self._announce(before, after)
        return after
