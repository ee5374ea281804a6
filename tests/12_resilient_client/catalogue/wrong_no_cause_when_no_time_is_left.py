"""Gives DeadlineExceeded no __cause__ when too little time is left to start the next attempt."""
from harness.derive import rewrite

CAUGHT_BY = ['test_deadline_error_carries_the_last_error']
rewrite(globals(), __file__,
        ('            if deadline_at - now < self._min_attempt_time:  # too little time to try (again)\n'
         '                raise DeadlineExceeded(seconds, url) from last_error\n',
         '            if deadline_at - now < self._min_attempt_time:\n'
         '                raise DeadlineExceeded(seconds, url)\n'))
