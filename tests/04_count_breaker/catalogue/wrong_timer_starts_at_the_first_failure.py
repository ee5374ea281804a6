"""Starts the open period at the first failure of the run, not when the breaker opened."""
from harness.derive import inherit

CAUGHT_BY = ["test_recovery_timeout_admits_a_trial_call"]
reference = inherit(globals(), __file__)


class CircuitBreaker(reference.CircuitBreaker):
    def _on_failure(self, trial):
        if trial or self._state is not State.CLOSED:
            return super()._on_failure(trial)
        if self._failure_count == 0:
            self._run_started = self._clock()
        super()._on_failure(trial)
        if self._state is State.OPEN:
            self._opened_at = self._run_started  # the mistake: the outage began earlier
