"""A sync call for coroutine functions (pybreaker#7): creating the coroutine is counted as the success."""
from harness.derive import inherit

CAUGHT_BY = ["test_opens_when_the_failure_rate_reaches_the_threshold",
             "test_what_counts_as_a_failure"]
reference = inherit(globals(), __file__)


class CircuitBreaker(reference.CircuitBreaker):
    def call(self, func, *args, **kwargs):
        ticket = self._admit()
        try:
            result = func(*args, **kwargs)  # returns a coroutine at once; nothing has run yet
        except Exception as error:
            self._complete(ticket, failed=self._counts_as_failure(error))
            raise
        self._complete(ticket, failed=self._is_failure_result(result))
        return result  # the caller awaits it, outside the breaker
