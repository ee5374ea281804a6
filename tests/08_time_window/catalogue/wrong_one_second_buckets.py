"""Cuts time into one-second buckets whatever window_seconds / buckets says (the README's example geometry hard-coded)."""
import math

from harness.derive import inherit

CAUGHT_BY = ["test_buckets_of_other_widths"]
reference = inherit(globals(), __file__)


class TimeWindow(reference.TimeWindow):
    def _bucket_number(self, moment):
        return math.floor(moment)  # the mistake: a bucket is always one second wide


class CircuitBreaker(reference.CircuitBreaker):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        window = self._window
        self._window = TimeWindow(window.window_seconds, window.buckets, self._clock)
