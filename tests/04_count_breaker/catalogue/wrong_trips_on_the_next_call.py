"""Decides to open on the next call instead of on the failing call, and stamps the time then."""
from harness.derive import inherit

CAUGHT_BY = [
    "test_tripping_call_raises_its_own_error",
    "test_recovery_timeout_admits_a_trial_call",
]
reference = inherit(globals(), __file__)


class CircuitBreaker(reference.CircuitBreaker):
    def _before_call(self):
        if self._state is State.CLOSED and self._failure_count >= self.failure_threshold:
            self._transition_to(State.OPEN)  # the mistake: the trip waits for the next call
        return super()._before_call()

    def _on_failure(self, trial):
        if trial:
            super()._on_failure(trial)
        elif self._state is State.CLOSED:
            self._failure_count += 1  # counted, but the breaker stays CLOSED for now
