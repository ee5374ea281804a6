"""Swallows the errors that are not failures: a 404 or a business exception becomes a None result."""
from harness.derive import inherit

CAUGHT_BY = [
    "test_client_errors_pass_through_and_count_as_successes",
    "test_business_exceptions_pass_through_and_count_as_successes",
    "test_excluded_exceptions_never_count",
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
                raise
            self._on_success(trial)
            return None  # the mistake: "not a failure" taken to mean "nothing happened"
        except BaseException:
            self._on_abandoned(trial)
            raise
        self._record(trial, failed=self.is_failure_result(result))
        return result
