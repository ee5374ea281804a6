"""A pasted breaker whose failed trial re-opens it whenever it comes back, even after other trials already closed it."""
from harness.derive import inherit

CAUGHT_BY = ["test_a_trial_that_ends_after_closing_changes_nothing"]
reference = inherit(globals(), __file__)


class CircuitBreaker(reference.CircuitBreaker):
    def _record(self, ticket, *, failed, error):
        if ticket.trial and failed:
            changes = []
            with self._lock:  # the mistake: no look at whether its half-open period is over
                now = self._clock()
                changes.append(self._move_to(State.OPEN, now))
            self._publish(changes)
            return
        super()._record(ticket, failed=failed, error=error)
