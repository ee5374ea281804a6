"""Awaits between checking the permits and taking one (to "let other tasks run"): a herd of trials."""
import asyncio

from harness.derive import inherit

CAUGHT_BY = ["test_permits_are_taken_with_no_await_between_check_and_take"]
REPEAT = 5  # an interleaving forced by design: caught on every run, not by luck
reference = inherit(globals(), __file__)


class CircuitBreaker(reference.CircuitBreaker):
    async def call(self, func, *args, **kwargs):
        _require_coroutine_function(func, "breaker.call()")
        ticket = await self._admit_politely()
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

    async def _admit_politely(self):
        if self._state is State.OPEN:
            waited = self._clock() - self._opened_at
            if waited < self.recovery_timeout:
                raise CircuitOpenError(self.name, self.recovery_timeout - waited)
        if self._state is not State.CLOSED and \
                self._trials_admitted >= self.half_open_max_calls:
            raise CircuitOpenError(self.name, 0.0)
        await asyncio.sleep(0)  # the check is done; every waiting task now gets past it too
        if self._state is State.OPEN:
            self._switch(State.HALF_OPEN)
        if self._state is State.HALF_OPEN:
            self._trials_admitted += 1
        return self._epoch
