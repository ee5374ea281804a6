"""A pasted breaker that admits without the lock: two callers racing for the one trial place both take it."""
from harness.derive import inherit

CAUGHT_BY = ["test_racing_trials_take_one_place"]
REPEAT = 20
reference = inherit(globals(), __file__)


class CircuitBreaker(reference.CircuitBreaker):
    def _admit(self):
        changes = []
        try:  # the mistake: no lock around the read-decide-write
            if self._state is State.OPEN:
                waited = self._clock() - self._opened_at
                if waited < self.recovery_timeout:
                    raise CircuitOpenError(self.name, self.recovery_timeout - waited)
                self._move_to(State.HALF_OPEN, changes)
            if self._state is State.HALF_OPEN:
                if self._trials_in_flight >= self.half_open_max_calls:
                    raise CircuitOpenError(self.name, 0.0)
                self._trials_in_flight += 1
                return _Ticket(self._generation, trial=True)
            return _Ticket(self._generation, trial=False)
        finally:
            self._announce(changes)
