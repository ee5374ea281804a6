"""Admits without the lock: the clock is read first, so only an instruction-by-instruction race shows two racers taking the one trial place."""
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
        before = self._status  # the mistake: read, decide and write with no lock around them
        after = before.admit(now, self._settings)
        if after is None:
            raise CircuitOpenError(self._name, before.retry_after(now, self._settings))
        self._status = after
        self._announce(before, after)
        return after
