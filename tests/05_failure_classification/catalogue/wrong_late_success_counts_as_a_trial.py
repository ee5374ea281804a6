"""A success that comes back while the breaker is open (its call was admitted before another caller tripped it) is taken for a trial success and closes the breaker."""
from harness.derive import inherit

CAUGHT_BY = ["test_a_call_that_ends_after_the_breaker_opened_changes_nothing"]
reference = inherit(globals(), __file__)


class CircuitBreaker(reference.CircuitBreaker):
    def _on_success(self, trial):
        if not trial and self._state is State.OPEN:
            self._transition_to(State.CLOSED)  # the mistake: no trial ever ran
            return
        super()._on_success(trial)
