"""Counts the deadline as reached only once the clock is past it, not at it."""
from harness.derive import rewrite

CAUGHT_BY = ['test_time_is_up_at_the_very_end']
rewrite(globals(), __file__,
        ('            if self._clock() >= deadline_at:  # this attempt ran into the deadline',
         '            if self._clock() > deadline_at:'))
