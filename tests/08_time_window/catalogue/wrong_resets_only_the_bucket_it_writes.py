"""Eviction skips buckets after an idle gap: only the bucket being written is reset, so stale failures come back."""
from harness.derive import inherit

CAUGHT_BY = ["test_idle_gap_empties_the_window",
             "test_outcomes_leave_after_the_window",
             "test_old_failures_no_longer_count"]
reference = inherit(globals(), __file__)


class TimeWindow(reference.TimeWindow):
    def __init__(self, window_seconds, buckets, clock):
        super().__init__(window_seconds, buckets, clock)
        self._stamps = [None] * buckets  # which bucket of time each slot holds

    def _catch_up(self):
        pass  # reads never drop anything

    def record(self, failed, slow=False):
        current = self._bucket_number(self._clock())
        slot = current % self.buckets
        if self._stamps[slot] != current:  # a slot from an older bucket: reuse it
            self._evict(slot)
            self._stamps[slot] = current
        self._newest = current
        super().record(failed, slow)


class CircuitBreaker(reference.CircuitBreaker):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._window = TimeWindow(self._window.window_seconds, self._window.buckets,
                                  self._clock)  # the window above
