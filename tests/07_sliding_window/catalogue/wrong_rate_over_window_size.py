"""Judges the rate against window_size instead of the outcomes held: a window not yet full opens too late."""
from harness.derive import inherit

CAUGHT_BY = ["test_rate_is_over_the_outcomes_held"]
reference = inherit(globals(), __file__)


class CircuitBreaker(reference.CircuitBreaker):
    def _record_closed(self, failed):
        self._window.record(failed)
        if self._window.total >= self.minimum_calls and rate_reached(
                self._window.failures, self.window_size,  # the mistake: not _window.total
                self.failure_rate_threshold):
            self._switch(State.OPEN)
