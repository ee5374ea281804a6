"""Applies call_timeout around its own bookkeeping: the breaker sees a cancellation, never a timeout."""
import asyncio

from harness.derive import inherit

CAUGHT_BY = ["test_a_timeout_inside_the_guarded_call_is_a_failure",
             "test_the_decorator_guards_coroutine_functions"]
reference = inherit(globals(), __file__)


class CircuitBreaker(reference.CircuitBreaker):
    async def call(self, func, *args, **kwargs):
        _require_coroutine_function(func, "breaker.call()")
        if self.call_timeout is None:
            return await self._guarded(func, *args, **kwargs)
        # what aiobreaker's users write by hand: wait_for(breaker.call_async(f), t)
        return await asyncio.wait_for(self._guarded(func, *args, **kwargs), self.call_timeout)

    async def _guarded(self, func, *args, **kwargs):
        ticket = self._admit()
        try:
            result = await func(*args, **kwargs)
        except Exception as error:
            self._complete(ticket, failed=self._counts_as_failure(error))
            raise
        except BaseException:
            self._release(ticket)
            raise
        self._complete(ticket, failed=self._is_failure_result(result))
        return result
