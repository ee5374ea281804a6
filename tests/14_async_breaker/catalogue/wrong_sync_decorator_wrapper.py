"""The decorator returns a plain def that returns the coroutine of call: not a coroutine function."""
import functools

from harness.derive import inherit

CAUGHT_BY = ["test_the_decorator_guards_coroutine_functions"]
reference = inherit(globals(), __file__)


class CircuitBreaker(reference.CircuitBreaker):
    def __call__(self, func):
        _require_coroutine_function(func, "@breaker")

        @functools.wraps(func)
        def guarded(*args, **kwargs):
            return self.call(func, *args, **kwargs)
        return guarded
