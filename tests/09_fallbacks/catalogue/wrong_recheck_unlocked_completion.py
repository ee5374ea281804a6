"""A pasted breaker that records outcomes without the lock: two failures at the same moment overwrite each other."""
from harness.derive import inherit

CAUGHT_BY = ["test_racing_failures_are_all_counted"]
REPEAT = 20
reference = inherit(globals(), __file__)


class CircuitBreaker(reference.CircuitBreaker):
    def _finish(self, ticket, failed):
        changes = []
        if ticket.generation != self._generation:  # the mistake: no lock around any of this
            return
        if ticket.trial:
            self._trials_in_flight -= 1
            if failed:
                self._move_to(State.OPEN, changes)
            elif failed is False:
                self._trial_successes += 1
                if self._trial_successes >= self.success_threshold:
                    self._move_to(State.CLOSED, changes)
        elif failed:
            self._failures += 1
            if self._failures >= self.failure_threshold:
                self._move_to(State.OPEN, changes)
        elif failed is False:
            self._failures = 0
        self._announce(changes)
