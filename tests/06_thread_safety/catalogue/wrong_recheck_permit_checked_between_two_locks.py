"""Locks the switch to HALF_OPEN and locks taking a permit, but tests for a free permit between the two, unlocked: two racers both see one free and both become the trial."""
from dataclasses import replace

from harness.derive import inherit

CAUGHT_BY = ["test_racing_trials_take_one_place"]
REPEAT = 20
reference = inherit(globals(), __file__)


class CircuitBreaker(reference.CircuitBreaker):
    def _admit(self):
        status = self._status
        if status.state is CLOSED:
            return status
        now = self._clock()
        with self._lock:  # the switch is atomic...
            before = self._status
            if before.state is OPEN and now - before.opened_at >= self._settings.recovery_timeout:
                self._status = before.enter(HALF_OPEN, now)
            current = self._status
        self._announce(before, current)
        if current.state is OPEN or current.trials >= self._settings.half_open_max_calls:
            raise CircuitOpenError(self._name, current.retry_after(now, self._settings))
        with self._lock:  # ...and so is the write, but the test above was not (the mistake)
            after = replace(self._status, trials=self._status.trials + 1)
            self._status = after
        return after
