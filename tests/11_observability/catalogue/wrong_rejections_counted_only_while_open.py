"""Counts and reports a rejection only while OPEN: a call turned away because the trial place
is taken (HALF_OPEN) vanishes from the metrics and the events."""
from harness.derive import inherit

CAUGHT_BY = ["test_a_call_turned_away_during_a_trial_is_a_rejection"]
reference = inherit(globals(), __file__)


class CircuitBreaker(reference.CircuitBreaker):
    def _admit(self):
        events = []
        with self._lock:
            now = self._clock()
            if self._state is State.OPEN and now - self._opened_at >= self._recovery_timeout:
                events.append(self._move_to(State.HALF_OPEN, now))
            ticket = None
            if self._state is State.CLOSED:
                ticket = _Ticket(self._generation, trial=False)
            elif self._state is State.HALF_OPEN and \
                    self._trials_in_flight < self._half_open_max_calls:
                self._trials_in_flight += 1
                ticket = _Ticket(self._generation, trial=True)
            else:
                rejection = CircuitOpenError(self.name, self._retry_after(now))
                if self._state is State.OPEN:  # "a rejection is what an open breaker does"
                    self._rejections += 1
                    events.append(Event(REJECTED, self.name, now, error=rejection))
        self._publish(events)
        if ticket is None:
            raise rejection
        return ticket
