"""Tests `if self.call_timeout:`, so call_timeout=0 means no timeout at all (0 is a valid timeout)."""
from harness.derive import inherit

CAUGHT_BY = ["test_a_timeout_inside_the_guarded_call_is_a_failure",
             "test_the_decorator_guards_coroutine_functions"]
reference = inherit(globals(), __file__)


class CircuitBreaker(reference.CircuitBreaker):
    async def call(self, func, *args, **kwargs):
        if not self.call_timeout:  # 0 is falsy
            timeout, self.call_timeout = self.call_timeout, None
            try:
                return await super().call(func, *args, **kwargs)
            finally:
                self.call_timeout = timeout
        return await super().call(func, *args, **kwargs)
