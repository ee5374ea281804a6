"""Shows the trials' failure rate while HALF_OPEN, not the window that tripped the breaker."""
from harness.derive import inherit

CAUGHT_BY = ["test_failure_rate_shows_the_tripping_window_while_open"]
reference = inherit(globals(), __file__)


class CircuitBreaker(reference.CircuitBreaker):
    @property
    def failure_rate(self):
        if self._state is State.HALF_OPEN:
            return self._trials.failure_rate  # "the rate that matters now"
        return super().failure_rate
