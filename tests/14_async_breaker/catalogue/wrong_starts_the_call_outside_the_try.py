"""Creates the coroutine before its try: a TypeError from wrong arguments ends nothing, the permit leaks."""
import asyncio

from harness.derive import inherit

CAUGHT_BY = ["test_call_passes_arguments_and_results_through"]
reference = inherit(globals(), __file__)


class CircuitBreaker(reference.CircuitBreaker):
    async def call(self, func, *args, **kwargs):
        _require_coroutine_function(func, "breaker.call()")
        ticket = self._admit()
        coroutine = func(*args, **kwargs)  # "only creates it: nothing can go wrong here"
        try:
            async with asyncio.timeout(self.call_timeout):
                result = await coroutine
        except Exception as error:
            self._complete(ticket, failed=self._counts_as_failure(error))
            raise
        except BaseException:
            self._release(ticket)
            raise
        self._complete(ticket, failed=self._is_failure_result(result))
        return result
