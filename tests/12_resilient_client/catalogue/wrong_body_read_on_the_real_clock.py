"""Turns the attempt's end into a time.monotonic() moment when the body starts and reads the body against the real clock: right on a clock that runs like the real one, wrong on the clock it was given."""
from harness.derive import rewrite

CAUGHT_BY = ['test_reads_the_time_only_through_its_clock']
rewrite(globals(), __file__,
        ('        body = bytearray()\n        while True:\n            left = ends_at - self._clock()\n',
         '        body = bytearray()\n'
         '        real_end = time.monotonic() + (ends_at - self._clock())  # the given clock, once\n'
         '        while True:\n'
         '            left = real_end - time.monotonic()\n'))
