"""Counts a CancelledError as a failure unless the caller's own task is being cancelled."""
import asyncio

from harness.derive import inherit

CAUGHT_BY = ["test_other_base_exceptions_give_the_permit_back"]
reference = inherit(globals(), __file__)


class CircuitBreaker(reference.CircuitBreaker):
    async def call(self, func, *args, **kwargs):
        _require_coroutine_function(func, "breaker.call()")
        ticket = self._admit()
        try:
            async with asyncio.timeout(self.call_timeout):
                result = await func(*args, **kwargs)
        except Exception as error:
            self._complete(ticket, failed=self._counts_as_failure(error))
            raise
        except asyncio.CancelledError:
            if asyncio.current_task().cancelling():
                self._release(ticket)  # our caller gave up: no outcome
            else:
                self._complete(ticket, failed=True)  # "something inside the service died"
            raise
        except BaseException:
            self._release(ticket)
            raise
        self._complete(ticket, failed=self._is_failure_result(result))
        return result
