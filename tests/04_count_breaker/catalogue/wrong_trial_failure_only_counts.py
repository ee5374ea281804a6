"""A failed trial call only adds to the failure count; it re-opens only at failure_threshold."""
from harness.derive import inherit

CAUGHT_BY = ["test_trial_failure_reopens_and_restarts_the_timeout"]
reference = inherit(globals(), __file__)


class CircuitBreaker(reference.CircuitBreaker):
    def _on_failure(self, trial):
        if trial:
            self._trial_running = False
        if trial or self._state is State.CLOSED:
            self._failure_count += 1  # the mistake: a failed trial is just one more failure
            if self._failure_count >= self.failure_threshold:
                self._transition_to(State.OPEN)

    def _transition_to(self, new_state):
        super()._transition_to(new_state)
        if new_state is State.HALF_OPEN:
            self._failure_count = 0  # half-open counts its failures from zero
