"""No permits, as in aiobreaker and purgatory: every caller is admitted while trials are in flight."""
from harness.derive import inherit

CAUGHT_BY = ["test_permits_are_taken_with_no_await_between_check_and_take",
             "test_half_open_admits_max_calls_and_judges_their_rate",
             "test_recovery_timeout_zero_admits_a_trial_at_once"]
REPEAT = 5  # an interleaving forced by design: caught on every run, not by luck
reference = inherit(globals(), __file__)


class CircuitBreaker(reference.CircuitBreaker):
    def _admit(self):
        if self._state is State.OPEN:
            waited = self._clock() - self._opened_at
            if waited < self.recovery_timeout:
                raise CircuitOpenError(self.name, self.recovery_timeout - waited)
            self._switch(State.HALF_OPEN)
        if self._state is State.HALF_OPEN and self._trials.total >= self.half_open_max_calls:
            raise CircuitOpenError(self.name, 0.0)  # counts trials only once they complete
        return self._epoch
