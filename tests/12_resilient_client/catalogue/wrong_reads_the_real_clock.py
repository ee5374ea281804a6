"""Reads time.monotonic() itself for the deadline instead of the injected clock."""
from harness.derive import rewrite

CAUGHT_BY = ['test_attempt_timeout_shrinks_to_the_time_left', 'test_no_attempt_starts_with_too_little_time_left']
rewrite(globals(), __file__,
        ('        self._clock = clock\n        self._sleep = sleep\n',
         '        self._clock = time.monotonic\n        self._sleep = sleep\n'))
