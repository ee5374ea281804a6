"""Stamps a call's outcome (and the transition it causes) with the time the call was admitted:
a call that took 2 s reports a failure 2 s before it happened."""
from harness.derive import inherit

CAUGHT_BY = ["test_a_slow_call_reports_when_it_ends"]
reference = inherit(globals(), __file__)


class CircuitBreaker(reference.CircuitBreaker):
    def call(self, func, *args, **kwargs):
        admitted_at = self._clock()
        real_clock = self._clock
        ticket = self._admit()
        try:
            result = func(*args, **kwargs)
        except Exception as error:
            self._clock = lambda: admitted_at  # "the call happened when it started"
            try:
                self._record(ticket, failed=self._counts_as_failure(error), error=error)
            finally:
                self._clock = real_clock
            raise
        except BaseException as error:
            self._release(ticket, error)
            raise
        self._clock = lambda: admitted_at
        try:
            self._record(ticket, failed=self._is_failure_result(result), error=None)
        finally:
            self._clock = real_clock
        return result
