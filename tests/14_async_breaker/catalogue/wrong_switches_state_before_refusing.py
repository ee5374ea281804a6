"""Updates the state (OPEN -> HALF_OPEN once the timeout passed) before refusing a non-coroutine function."""
from harness.derive import inherit

CAUGHT_BY = ["test_a_coroutine_object_is_refused_and_closed", "test_a_sync_callable_is_refused"]
reference = inherit(globals(), __file__)


class CircuitBreaker(reference.CircuitBreaker):
    async def call(self, func, *args, **kwargs):
        self._tick()
        return await super().call(func, *args, **kwargs)

    def _tick(self):
        """Bring the state up to date with the clock, first thing on every call."""
        if self._state is State.OPEN and \
                self._clock() - self._opened_at >= self.recovery_timeout:
            self._switch(State.HALF_OPEN)
