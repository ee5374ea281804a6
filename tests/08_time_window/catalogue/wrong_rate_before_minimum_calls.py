"""Judges the rates before minimum_calls calls are in the window."""
from harness.derive import inherit

CAUGHT_BY = ["test_waits_for_minimum_calls",
             "test_old_failures_no_longer_count"]
reference = inherit(globals(), __file__)


class CircuitBreaker(reference.CircuitBreaker):
    def _record_closed(self, failed, slow):
        window = self._window
        window.record(failed, slow)
        if self._too_bad(window.failures, window.slow_calls, window.total):  # no minimum_calls
            self._switch(State.OPEN)
