"""Treats non-failures as neither success nor failure: a 404 does not break a run of failures."""
from harness.derive import inherit

CAUGHT_BY = [
    "test_client_errors_pass_through_and_count_as_successes",
    "test_business_exceptions_pass_through_and_count_as_successes",
    "test_client_error_in_half_open_counts_as_a_trial_success",
]
reference = inherit(globals(), __file__)


class CircuitBreaker(reference.CircuitBreaker):
    def call(self, func, *args, **kwargs):
        trial = self._before_call()
        try:
            result = func(*args, **kwargs)
        except Exception as error:
            if self._counts_as_failure(error):
                self._on_failure(trial)
            else:
                self._on_abandoned(trial)  # the mistake: ignored, not counted as a success
            raise
        except BaseException:
            self._on_abandoned(trial)
            raise
        self._record(trial, failed=self.is_failure_result(result))
        return result
