"""Books an interrupted call as a success (a `finally:` that reports "it did not fail"): Ctrl-C breaks a run of failures and counts as a trial success."""
from harness.derive import inherit

CAUGHT_BY = ["test_interruption_is_no_outcome_and_frees_the_trial"]
reference = inherit(globals(), __file__)


class CircuitBreaker(reference.CircuitBreaker):
    def call(self, func, *args, **kwargs):
        trial = self._before_call()
        failed = False
        try:
            return func(*args, **kwargs)
        except Exception:
            failed = True
            raise
        finally:  # the mistake: "not a failure" is taken to mean "a success"
            if failed:
                self._on_failure(trial)
            else:
                self._on_success(trial)
