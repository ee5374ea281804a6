"""Opens one failure late: requires more than failure_threshold failures (> instead of >=)."""
from harness.derive import inherit

CAUGHT_BY = ["test_opens_after_threshold_consecutive_failures", "test_default_settings"]
reference = inherit(globals(), __file__)


class CircuitBreaker(reference.CircuitBreaker):
    def _on_failure(self, trial):
        if trial:
            self._transition_to(State.OPEN)
        elif self._state is State.CLOSED:
            self._failure_count += 1
            if self._failure_count > self.failure_threshold:  # the mistake: > where >= is specified
                self._transition_to(State.OPEN)
