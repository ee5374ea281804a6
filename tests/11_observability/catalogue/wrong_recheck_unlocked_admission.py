"""A pasted breaker that admits without the lock: two callers racing for the one trial place both take it."""
from harness.derive import inherit

CAUGHT_BY = ["test_racing_trials_take_one_place"]
REPEAT = 20
reference = inherit(globals(), __file__)


class CircuitBreaker(reference.CircuitBreaker):
    def _admit(self):
        changes = []
        now = self._clock()  # the mistake: no lock around the read-decide-write
        if self._state is State.OPEN and now - self._opened_at >= self._recovery_timeout:
            changes.append(self._move_to(State.HALF_OPEN, now))
        ticket = None
        if self._state is State.CLOSED:
            ticket = _Ticket(self._generation, trial=False)
        elif self._state is State.HALF_OPEN and \
                self._trials_in_flight < self._half_open_max_calls:
            self._trials_in_flight += 1
            ticket = _Ticket(self._generation, trial=True)
        self._publish(changes)
        if ticket is None:
            raise CircuitOpenError(self.name, self._retry_after(now))
        return ticket
