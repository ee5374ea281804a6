"""Lets any result move the state machine: a late failure from an earlier period re-opens it."""
from harness.derive import inherit

CAUGHT_BY = ["test_a_late_result_is_reported_but_moves_nothing"]
reference = inherit(globals(), __file__)


class CircuitBreaker(reference.CircuitBreaker):
    def _record(self, ticket, *, failed, error):
        events = []
        with self._lock:
            now = self._clock()
            if failed:
                self._failures += 1
            else:
                self._successes += 1
            events.append(Event(FAILURE if failed else SUCCESS, self.name, now, error=error))
            # no look at ticket.generation: a call from an earlier period counts as a current one
            if self._state is State.CLOSED:
                self._failure_count = self._failure_count + 1 if failed else 0
                if self._failure_count >= self._failure_threshold:
                    events.append(self._move_to(State.OPEN, now))
            elif self._state is State.HALF_OPEN:
                self._trials_in_flight -= 1
                if failed:
                    events.append(self._move_to(State.OPEN, now))
                else:
                    self._trial_successes += 1
                    if self._trial_successes >= self._success_threshold:
                        events.append(self._move_to(State.CLOSED, now))
        self._publish(events)
