"""Looks at the rate only when a call fails, so a success that completes the minimum never opens it."""
from harness.derive import inherit

CAUGHT_BY = ["test_a_success_can_trip_the_breaker"]
reference = inherit(globals(), __file__)


class CircuitBreaker(reference.CircuitBreaker):
    def _record_closed(self, failed):
        window = self._window
        window.record(failed)
        if failed and window.total >= self.minimum_calls and rate_reached(  # only on a failure
                window.failures, window.total, self.failure_rate_threshold):
            self._switch(State.OPEN)
