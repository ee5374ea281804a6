"""Opens one failure early: compares the count with failure_threshold - 1."""
from harness.derive import inherit

CAUGHT_BY = ["test_opens_after_threshold_consecutive_failures", "test_default_settings"]
reference = inherit(globals(), __file__)


class CircuitBreaker(reference.CircuitBreaker):
    def _on_failure(self, trial):
        if trial:
            self._transition_to(State.OPEN)
        elif self._state is State.CLOSED:
            self._failure_count += 1
            if self._failure_count >= self.failure_threshold - 1:  # the mistake: one early
                self._transition_to(State.OPEN)
