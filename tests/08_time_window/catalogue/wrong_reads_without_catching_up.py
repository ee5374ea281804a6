"""Catches up with the clock only when it records: read after a quiet spell, the counts still show outcomes that aged out."""
from harness.derive import inherit

CAUGHT_BY = ["test_every_reading_is_as_of_now"]
reference = inherit(globals(), __file__)


class TimeWindow(reference.TimeWindow):
    # the mistake: the readings do not call self._catch_up() first
    total = property(lambda self: self._total)
    failures = property(lambda self: self._failures)
    slow_calls = property(lambda self: self._slow_calls)
