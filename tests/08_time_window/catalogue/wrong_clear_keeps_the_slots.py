"""Clears only the running totals after a long gap, not the slots: when a reused slot is evicted later, counts from before the gap are taken away again."""
from harness.derive import inherit

CAUGHT_BY = ["test_buckets_are_reused_cleanly_after_a_gap"]
reference = inherit(globals(), __file__)


class TimeWindow(reference.TimeWindow):
    def clear(self):
        self._total = self._failures = self._slow_calls = 0  # the mistake: slots kept
