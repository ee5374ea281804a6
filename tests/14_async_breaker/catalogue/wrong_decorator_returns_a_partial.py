"""The decorator returns functools.partial(self.call, func) dressed by update_wrapper: no method binding."""
import functools

from harness.derive import inherit

CAUGHT_BY = ["test_the_decorator_guards_coroutine_functions"]
reference = inherit(globals(), __file__)


class CircuitBreaker(reference.CircuitBreaker):
    def __call__(self, func):
        _require_coroutine_function(func, "@breaker")
        # a coroutine function (partial of an async method), with the name and docstring:
        # but a partial is not a descriptor, so on a method `self` is never passed
        return functools.update_wrapper(functools.partial(self.call, func), func)
