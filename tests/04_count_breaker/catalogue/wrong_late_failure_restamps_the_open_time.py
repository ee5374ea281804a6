"""A failure that comes back while the breaker is open (its call was admitted before another caller tripped it) stamps the open time again: the open period is measured from the last failure."""
from harness.derive import inherit

CAUGHT_BY = ["test_a_call_that_ends_after_the_breaker_opened_changes_nothing"]
reference = inherit(globals(), __file__)


class CircuitBreaker(reference.CircuitBreaker):
    def _on_failure(self, trial):
        if not trial and self._state is State.OPEN:
            self._opened_at = self._clock()  # the mistake: only the transition stamps it
            return
        super()._on_failure(trial)
