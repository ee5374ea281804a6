"""Opens only above the threshold (rate > threshold), so exactly 50% of 10 stays closed."""
from harness.derive import inherit

CAUGHT_BY = ["test_threshold_is_inclusive",
             "test_a_failure_that_slid_out_no_longer_counts"]
reference = inherit(globals(), __file__)


class CircuitBreaker(reference.CircuitBreaker):
    def _record_closed(self, failed):
        window = self._window
        window.record(failed)
        if window.total >= self.minimum_calls and \
                window.failures * 100 > self.failure_rate_threshold * window.total:  # > not >=
            self._switch(State.OPEN)
