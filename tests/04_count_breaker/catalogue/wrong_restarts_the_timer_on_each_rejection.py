"""Restarts the open period on every rejected call: the breaker waits for a quiet spell."""
from harness.derive import inherit

CAUGHT_BY = [
    "test_rejections_are_not_failures_and_do_not_extend_the_open_period",
    "test_retry_after_counts_down_with_the_clock",
]
reference = inherit(globals(), __file__)


class CircuitBreaker(reference.CircuitBreaker):
    def _before_call(self):
        self._half_open_if_due()
        if self._state is State.OPEN:
            self._opened_at = self._clock()  # the mistake: every rejection restarts the wait
        return super()._before_call()
