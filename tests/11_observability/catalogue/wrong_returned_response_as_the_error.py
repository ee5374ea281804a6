"""Puts a returned 503 Response in the failure event's error: error is only for exceptions."""
from harness.derive import inherit

CAUGHT_BY = ["test_raised_and_returned_outcomes_are_events"]
reference = inherit(globals(), __file__)


class CircuitBreaker(reference.CircuitBreaker):
    def call(self, func, *args, **kwargs):
        ticket = self._admit()
        try:
            result = func(*args, **kwargs)
        except Exception as error:
            self._record(ticket, failed=self._counts_as_failure(error), error=error)
            raise
        except BaseException as error:
            self._release(ticket, error)
            raise
        failed = self._is_failure_result(result)
        self._record(ticket, failed=failed, error=result if failed else None)
        return result
