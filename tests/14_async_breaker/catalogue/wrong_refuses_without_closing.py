"""Refuses a coroutine object with TypeError but leaves it unclosed ("coroutine was never awaited")."""
import inspect

from harness.derive import inherit

CAUGHT_BY = ["test_a_coroutine_object_is_refused_and_closed"]
reference = inherit(globals(), __file__)


class CircuitBreaker(reference.CircuitBreaker):
    async def call(self, func, *args, **kwargs):
        if not inspect.iscoroutinefunction(func):
            raise TypeError(f"breaker.call() takes a coroutine function, got {func!r}")
        return await super().call(func, *args, **kwargs)
