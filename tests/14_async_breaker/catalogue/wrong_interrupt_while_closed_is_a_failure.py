"""KeyboardInterrupt and SystemExit give a half-open permit back, but count as failures while CLOSED."""
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
            self._release(ticket)
            raise
        except BaseException:
            if self._state is State.HALF_OPEN:
                self._release(ticket)
            else:
                self._complete(ticket, failed=True)  # pybreaker's except BaseException
            raise
        self._complete(ticket, failed=self._is_failure_result(result))
        return result
