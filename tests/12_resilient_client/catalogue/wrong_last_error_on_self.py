"""Keeps the last attempt's error on self: a thread's DeadlineExceeded may carry another thread's error."""
from harness.derive import rewrite

CAUGHT_BY = ['test_threads_keep_their_own_attempts_and_errors']
rewrite(globals(), __file__,
        ('                outcome = last_error = error\n',
         '                outcome = last_error = self._last_error = error\n'),
        ('            if deadline_at - now < self._min_attempt_time:  # too little time to try (again)\n'
         '                raise DeadlineExceeded(seconds, url) from last_error\n',
         '            if deadline_at - now < self._min_attempt_time:\n'
         '                raise DeadlineExceeded(seconds, url) from self._last_error\n'))
