"""A failed trial re-opens the breaker whenever it comes back, even after other trials already closed it."""
from harness.derive import inherit

CAUGHT_BY = ["test_a_trial_that_ends_after_closing_changes_nothing"]
reference = inherit(globals(), __file__)


class CircuitBreaker(reference.CircuitBreaker):
    def _complete(self, admitted, outcome):
        if admitted.state is HALF_OPEN and outcome is FAILURE:
            now = self._clock()
            with self._lock:  # the mistake: no look at whether its half-open period is over
                before = self._status
                self._status = before.enter(OPEN, now)
            self._announce(before, self._status)
            return
        super()._complete(admitted, outcome)
