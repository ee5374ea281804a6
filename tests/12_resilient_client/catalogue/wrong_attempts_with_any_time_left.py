"""Starts an attempt whenever any time is left, ignoring min_attempt_time."""
from harness.derive import rewrite

CAUGHT_BY = ['test_no_attempt_starts_with_too_little_time_left', 'test_spent_deadline_makes_no_call']
rewrite(globals(), __file__,
        ('            if deadline_at - now < self._min_attempt_time:  # too little time to try (again)',
         '            if deadline_at - now <= 0:'),
        ('            if deadline_at - self._clock() - wait < self._min_attempt_time:',
         '            if deadline_at - self._clock() - wait <= 0:'))
