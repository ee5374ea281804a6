"""Computes the rate and decides before minimum_calls outcomes are in the window."""
from harness.derive import inherit

CAUGHT_BY = ["test_waits_for_minimum_calls"]
reference = inherit(globals(), __file__)


class CircuitBreaker(reference.CircuitBreaker):
    @property
    def failure_rate(self):
        with self._lock:
            return self._window.failure_rate  # even below minimum_calls

    def _record_closed(self, failed):
        self._window.record(failed)
        if rate_reached(self._window.failures, self._window.total,  # no minimum_calls check
                        self.failure_rate_threshold):
            self._switch(State.OPEN)
