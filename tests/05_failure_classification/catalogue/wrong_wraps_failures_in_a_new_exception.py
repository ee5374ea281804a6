"""Raises a new ServiceFailure instead of the service's own error, so callers cannot catch requests' errors."""
from harness.derive import inherit

CAUGHT_BY = [
    "test_server_errors_and_transport_faults_open_the_breaker",
    "test_decorator_shares_one_code_path_with_call",
]
reference = inherit(globals(), __file__)


class ServiceFailure(Exception):
    """One type for callers to catch, whatever went wrong."""


class CircuitBreaker(reference.CircuitBreaker):
    def call(self, func, *args, **kwargs):
        trial = self._before_call()
        try:
            result = func(*args, **kwargs)
        except Exception as error:
            if self._counts_as_failure(error):
                self._on_failure(trial)
                raise ServiceFailure(f"{self.name}: {error}") from error  # the mistake
            self._on_success(trial)
            raise
        except BaseException:
            self._on_abandoned(trial)
            raise
        self._record(trial, failed=self.is_failure_result(result))
        return result
