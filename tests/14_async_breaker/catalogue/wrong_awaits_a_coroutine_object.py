"""Accepts a coroutine object and awaits it: breaker.call(fetch()) "works", pybreaker#7's trap hidden."""
import inspect

from harness.derive import inherit

CAUGHT_BY = ["test_a_coroutine_object_is_refused_and_closed"]
reference = inherit(globals(), __file__)


class CircuitBreaker(reference.CircuitBreaker):
    async def call(self, func, *args, **kwargs):
        if inspect.iscoroutine(func):
            coroutine = func

            async def func():
                return await coroutine
        return await super().call(func, *args, **kwargs)
