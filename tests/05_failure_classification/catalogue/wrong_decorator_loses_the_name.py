"""The decorator returns a bare wrapper without functools.wraps: the name and docstring are lost."""
from harness.derive import inherit

CAUGHT_BY = ["test_decorator_shares_one_code_path_with_call"]
reference = inherit(globals(), __file__)


class CircuitBreaker(reference.CircuitBreaker):
    def __call__(self, func):
        def wrapper(*args, **kwargs):  # the mistake: no functools.wraps
            return self.call(func, *args, **kwargs)
        return wrapper
