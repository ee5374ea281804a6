"""async with checks the half-open permits, awaits (to "let the listener run"), then takes one: a herd."""
import asyncio

from harness.derive import inherit

CAUGHT_BY = ["test_permits_are_taken_with_no_await_between_check_and_take"]
REPEAT = 5  # an interleaving forced by design: caught on every run, not by luck
reference = inherit(globals(), __file__)


class CircuitBreaker(reference.CircuitBreaker):
    async def __aenter__(self):
        if self._state is not State.HALF_OPEN:
            return await super().__aenter__()
        if self._trials_admitted >= self.half_open_max_calls:
            raise CircuitOpenError(self.name, 0.0)
        await asyncio.sleep(0)  # every task arriving now has passed the check above
        self._trials_admitted += 1
        _entered.set(_entered.get() + (self._epoch,))
        return self
