"""Admits first and refuses after (giving the permit back): an open breaker answers CircuitOpenError."""
from harness.derive import inherit

CAUGHT_BY = ["test_a_coroutine_object_is_refused_and_closed", "test_a_sync_callable_is_refused"]
reference = inherit(globals(), __file__)


class CircuitBreaker(reference.CircuitBreaker):
    async def call(self, func, *args, **kwargs):
        ticket = self._admit()
        try:
            _require_coroutine_function(func, "breaker.call()")
        except TypeError:
            self._release(ticket)
            raise
        self._release(ticket)  # the reference's call admits it again
        return await super().call(func, *args, **kwargs)
