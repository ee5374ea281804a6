"""Gives DeadlineExceeded no __cause__ when the wait before a retry does not fit."""
from harness.derive import rewrite

CAUGHT_BY = ['test_deadline_error_carries_the_last_error']
rewrite(globals(), __file__,
        ('                raise DeadlineExceeded(seconds, url) from last_error  # never sleep past it',
         '                raise DeadlineExceeded(seconds, url)'))
