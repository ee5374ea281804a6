"""Gives every attempt the full attempt_timeout, even when less time is left before the deadline."""
from harness.derive import rewrite

CAUGHT_BY = ['test_attempt_timeout_shrinks_to_the_time_left']
rewrite(globals(), __file__,
        ('            ends_at = min(now + self._attempt_timeout, deadline_at)',
         '            ends_at = now + self._attempt_timeout'))
