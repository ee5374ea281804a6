"""Frees the trial's place on KeyboardInterrupt only: any other BaseException (SystemExit, a cancellation) still leaks it."""
from harness.derive import inherit

CAUGHT_BY = ["test_interruption_is_no_outcome_and_frees_the_trial"]
reference = inherit(globals(), __file__)


class CircuitBreaker(reference.CircuitBreaker):
    def call(self, func, *args, **kwargs):
        trial = self._before_call()
        try:
            result = func(*args, **kwargs)
        except Exception:
            self._on_failure(trial)
            raise
        except KeyboardInterrupt:  # the mistake: the one BaseException its author thought of
            self._on_abandoned(trial)
            raise
        self._on_success(trial)
        return result
