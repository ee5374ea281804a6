"""Counts a cancellation as a success: the outcome defaults to "fine" and a finally records it."""
from harness.derive import inherit

CAUGHT_BY = ["test_cancellation_is_neither_failure_nor_success",
             "test_a_cancelled_trial_gives_its_permit_back"]
reference = inherit(globals(), __file__)


class CircuitBreaker(reference.CircuitBreaker):
    async def call(self, func, *args, **kwargs):
        _require_coroutine_function(func, "breaker.call()")
        ticket = self._admit()
        failed = False
        try:
            result = await func(*args, **kwargs)
            failed = self._is_failure_result(result)
            return result
        except Exception as error:
            failed = self._counts_as_failure(error)
            raise
        finally:
            self._complete(ticket, failed=failed)
