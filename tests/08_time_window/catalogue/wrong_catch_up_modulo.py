"""After an idle gap it advances only (elapsed buckets % buckets) slots, so most stale buckets survive."""
from harness.derive import inherit

CAUGHT_BY = ["test_idle_gap_empties_the_window",
             "test_idle_gap_of_a_day_is_instant",
             "test_old_failures_no_longer_count"]
reference = inherit(globals(), __file__)


class TimeWindow(reference.TimeWindow):
    def _catch_up(self):
        current = self._bucket_number(self._clock())
        elapsed = current - self._newest
        if elapsed <= 0:
            return
        for step in range(1, elapsed % self.buckets + 1):  # the ring has only `buckets` slots...
            self._evict((self._newest + step) % self.buckets)
        self._newest = current


class CircuitBreaker(reference.CircuitBreaker):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._window = TimeWindow(self._window.window_seconds, self._window.buckets,
                                  self._clock)  # the window above
