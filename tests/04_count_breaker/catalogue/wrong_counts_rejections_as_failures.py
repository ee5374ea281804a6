"""Counts rejected calls as failures: the admission check sits inside the try block.

Every failure is counted, in any state, so a rejection while OPEN or during a trial adds to the
count and re-opens the breaker (restarting the open period) once the count reaches the threshold.
"""
from harness.derive import inherit

CAUGHT_BY = [
    "test_rejections_are_not_failures_and_do_not_extend_the_open_period",
    "test_half_open_admits_one_trial_at_a_time",
]
reference = inherit(globals(), __file__)


class CircuitBreaker(reference.CircuitBreaker):
    def call(self, func, *args, **kwargs):
        trial = False
        try:
            trial = self._before_call()  # the mistake: a rejection lands in `except` below
            result = func(*args, **kwargs)
        except Exception:
            self._on_failure(trial)
            raise
        except BaseException:
            self._on_abandoned(trial)
            raise
        self._on_success(trial)
        return result

    def _on_failure(self, trial):
        self._failure_count += 1
        if trial or self._failure_count >= self.failure_threshold:
            self._transition_to(State.OPEN)
