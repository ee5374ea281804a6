"""Counts a cancellation as a failure, as purgatory does: any BaseException in the block is one."""
from harness.derive import inherit

CAUGHT_BY = ["test_cancellation_is_neither_failure_nor_success",
             "test_a_cancelled_trial_gives_its_permit_back",
             "test_a_timeout_outside_the_breaker_is_invisible_to_it"]
reference = inherit(globals(), __file__)


class CircuitBreaker(reference.CircuitBreaker):
    async def call(self, func, *args, **kwargs):
        _require_coroutine_function(func, "breaker.call()")
        ticket = self._admit()
        try:
            result = await func(*args, **kwargs)
        except Exception as error:
            self._complete(ticket, failed=self._counts_as_failure(error))
            raise
        except BaseException:
            self._complete(ticket, failed=True)  # "the call did not succeed"
            raise
        self._complete(ticket, failed=self._is_failure_result(result))
        return result
