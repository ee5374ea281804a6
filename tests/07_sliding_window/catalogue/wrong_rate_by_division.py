"""Computes the percentage first (`failures / total * 100 >= threshold`): 29 failures of 100 come out as 28.999999999999996% and miss a 29% threshold."""
from harness.derive import inherit

CAUGHT_BY = ["test_thresholds_other_than_fifty"]
reference = inherit(globals(), __file__)


def rate_reached(failures, total, threshold):
    return failures / total * 100 >= threshold  # the mistake: rounding decides the verdict


class CircuitBreaker(reference.CircuitBreaker):
    def _record_closed(self, failed):
        self._window.record(failed)
        if self._window.total >= self.minimum_calls and rate_reached(
                self._window.failures, self._window.total, self.failure_rate_threshold):
            self._switch(State.OPEN)
