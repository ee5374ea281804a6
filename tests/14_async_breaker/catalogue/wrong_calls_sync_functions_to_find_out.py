"""Calls whatever it is given and awaits the result if it is awaitable: runs sync functions first."""
import inspect

from harness.derive import inherit

CAUGHT_BY = ["test_a_sync_callable_is_refused"]
reference = inherit(globals(), __file__)


class CircuitBreaker(reference.CircuitBreaker):
    async def call(self, func, *args, **kwargs):
        if inspect.iscoroutine(func) or inspect.iscoroutinefunction(func):
            return await super().call(func, *args, **kwargs)
        result = func(*args, **kwargs)
        if not inspect.isawaitable(result):
            raise TypeError(f"{func!r} returned {result!r}, which cannot be awaited")

        async def awaiting():
            return await result
        return await super().call(awaiting)
