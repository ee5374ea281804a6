"""Bookkeeping in `except Exception` only: an interrupted trial keeps its permit."""
from harness.derive import inherit

CAUGHT_BY = ["test_base_exception_trial_returns_its_permit"]
reference = inherit(globals(), __file__)


class CircuitBreaker(reference.CircuitBreaker):
    def call(self, func, *args, **kwargs):
        admitted = self._admit()
        try:
            result = func(*args, **kwargs)
        except Exception as error:  # the mistake: a BaseException skips the bookkeeping
            self._complete(admitted, FAILURE if self._counts_as_failure(error) else SUCCESS)
            raise
        self._complete(admitted, FAILURE if self._is_failure_result(result) else SUCCESS)
        return result
