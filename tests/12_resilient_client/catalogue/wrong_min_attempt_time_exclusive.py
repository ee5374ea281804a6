"""Wants more than min_attempt_time left (> where the README says at least)."""
from harness.derive import rewrite

CAUGHT_BY = ['test_no_attempt_starts_with_too_little_time_left', 'test_never_sleeps_past_the_deadline']
rewrite(globals(), __file__,
        ('            if deadline_at - now < self._min_attempt_time:  # too little time to try (again)',
         '            if deadline_at - now <= self._min_attempt_time:'),
        ('            if deadline_at - self._clock() - wait < self._min_attempt_time:',
         '            if deadline_at - self._clock() - wait <= self._min_attempt_time:'))
