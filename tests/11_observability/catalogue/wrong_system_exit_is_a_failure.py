"""Ignores only KeyboardInterrupt: a call that ends in SystemExit is counted as a failure."""
from harness.derive import inherit

CAUGHT_BY = ["test_raised_and_returned_outcomes_are_events"]
reference = inherit(globals(), __file__)


class CircuitBreaker(reference.CircuitBreaker):
    def call(self, func, *args, **kwargs):
        ticket = self._admit()
        try:
            result = func(*args, **kwargs)
        except KeyboardInterrupt as error:
            self._release(ticket, error)
            raise
        except BaseException as error:  # SystemExit lands here: "the call failed"
            self._record(ticket, failed=True, error=error)
            raise
        self._record(ticket, failed=self._is_failure_result(result), error=None)
        return result
