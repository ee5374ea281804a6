"""Confuses the two settings: a bucket is buckets / window_seconds seconds wide, not window_seconds / buckets."""
from harness.derive import inherit

CAUGHT_BY = ["test_buckets_of_other_widths"]
reference = inherit(globals(), __file__)


class TimeWindow(reference.TimeWindow):
    def __init__(self, window_seconds, buckets, clock):
        super().__init__(window_seconds, buckets, clock)
        self._width = buckets / self.window_seconds  # the mistake: upside down
        self._newest = self._bucket_number(clock())
