"""Admits without the lock: two callers racing for the one trial place both take it (caught when the threads take turns instruction by instruction)."""
from harness.derive import inherit

CAUGHT_BY = ["test_racing_trials_take_one_place"]
REPEAT = 20
reference = inherit(globals(), __file__)


class CircuitBreaker(reference.CircuitBreaker):
    def _admit(self):
        # the mistake: the whole read-decide-write with no lock around it
        if self._state is State.OPEN:
            waited = self._clock() - self._opened_at
            if waited < self.recovery_timeout:
                raise CircuitOpenError(self.name, self.recovery_timeout - waited)
            self._switch(State.HALF_OPEN)
        if self._state is State.HALF_OPEN:
            if self._trials_admitted >= self.half_open_max_calls:
                raise CircuitOpenError(self.name, 0.0)
            self._trials_admitted += 1
        epoch = self._epoch
        self._announce(self._take_pending())
        return epoch
