"""The decorator builds a second breaker with the same settings, so the two forms count separately."""
import functools

from harness.derive import inherit

CAUGHT_BY = ["test_decorator_shares_one_code_path_with_call"]
reference = inherit(globals(), __file__)


class CircuitBreaker(reference.CircuitBreaker):
    def __call__(self, func):
        own = reference.CircuitBreaker(  # the mistake: a breaker of its own, with its own counts
            self.failure_threshold, self.recovery_timeout, self.success_threshold,
            exclude=self.exclude, is_failure=self.is_failure,
            is_failure_result=self.is_failure_result, name=self.name, clock=self._clock)

        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            return own.call(func, *args, **kwargs)
        return wrapper
