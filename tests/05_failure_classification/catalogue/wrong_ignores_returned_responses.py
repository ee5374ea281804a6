"""Judges only raised exceptions: a returned 503 response counts as a success."""
from harness.derive import inherit

CAUGHT_BY = ["test_returned_server_error_counts_but_reaches_the_caller"]
reference = inherit(globals(), __file__)


class CircuitBreaker(reference.CircuitBreaker):
    def call(self, func, *args, **kwargs):
        trial = self._before_call()
        try:
            result = func(*args, **kwargs)
        except Exception as error:
            self._record(trial, failed=self._counts_as_failure(error))
            raise
        except BaseException:
            self._on_abandoned(trial)
            raise
        self._on_success(trial)  # the mistake: a returned value always counts as a success
        return result
