"""Shortens a wait that does not fit to the time left, sleeps it, then gives up at the deadline."""
from harness.derive import rewrite

CAUGHT_BY = ['test_never_sleeps_past_the_deadline']
rewrite(globals(), __file__,
        ('            if deadline_at - self._clock() - wait < self._min_attempt_time:\n                raise DeadlineExceeded(seconds, url) from last_error  # never sleep past it\n',
         '            wait = min(wait, max(0.0, deadline_at - self._clock()))\n'))
