"""The decorator copies lesson 4's call instead of using `call`: through it, a 404 counts as a failure."""
import functools

from harness.derive import inherit

CAUGHT_BY = ["test_decorator_shares_one_code_path_with_call"]
reference = inherit(globals(), __file__)


class CircuitBreaker(reference.CircuitBreaker):
    def __call__(self, func):
        @functools.wraps(func)
        def wrapper(*args, **kwargs):  # the mistake: a second code path, written earlier
            trial = self._before_call()
            try:
                result = func(*args, **kwargs)
            except Exception:
                self._on_failure(trial)
                raise
            self._on_success(trial)
            return result
        return wrapper
