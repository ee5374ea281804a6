"""Counts minimum_calls over the breaker's whole life: after closing, the first failure re-opens it."""
from harness.derive import inherit

CAUGHT_BY = ["test_failure_rate_shows_the_tripping_window_while_open"]
reference = inherit(globals(), __file__)


class CircuitBreaker(reference.CircuitBreaker):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._calls_seen = 0  # never reset: "we have seen enough calls already"

    def _record_closed(self, failed):
        self._window.record(failed)
        self._calls_seen += 1
        if self._calls_seen >= self.minimum_calls and rate_reached(
                self._window.failures, self._window.total, self.failure_rate_threshold):
            self._switch(State.OPEN)
