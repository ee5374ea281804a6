"""The decorator accepts a plain def: the mistake surfaces only when a caller awaits it."""
import functools

from harness.derive import inherit

CAUGHT_BY = ["test_the_decorator_guards_coroutine_functions"]
reference = inherit(globals(), __file__)


class CircuitBreaker(reference.CircuitBreaker):
    def __call__(self, func):
        @functools.wraps(func)
        async def guarded(*args, **kwargs):
            return await self.call(func, *args, **kwargs)
        return guarded
