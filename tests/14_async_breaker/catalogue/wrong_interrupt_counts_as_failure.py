"""Counts KeyboardInterrupt as a failure (pybreaker catches BaseException); only CancelledError is spared."""
import asyncio

from harness.derive import inherit

CAUGHT_BY = ["test_other_base_exceptions_give_the_permit_back"]
reference = inherit(globals(), __file__)


class CircuitBreaker(reference.CircuitBreaker):
    async def call(self, func, *args, **kwargs):
        _require_coroutine_function(func, "breaker.call()")
        ticket = self._admit()
        try:
            result = await func(*args, **kwargs)
        except asyncio.CancelledError:
            self._release(ticket)
            raise
        except BaseException as error:
            failed = self._counts_as_failure(error) if isinstance(error, Exception) else True
            self._complete(ticket, failed=failed)
            raise
        self._complete(ticket, failed=self._is_failure_result(result))
        return result

    async def __aexit__(self, kind, error, traceback):
        if isinstance(error, (KeyboardInterrupt, SystemExit)):
            *outer, ticket = _entered.get()
            _entered.set(tuple(outer))
            self._complete(ticket, failed=True)
            return False
        return await super().__aexit__(kind, error, traceback)
