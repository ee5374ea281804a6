"""DeadlineExceeded.deadline is the client's deadline, not the one this get was given."""
from harness.derive import rewrite

CAUGHT_BY = ['test_deadline_error_carries_the_last_error']
rewrite(globals(), __file__,
        ('            response = self._with_retries(url, deadline_at, seconds)',
         '            response = self._with_retries(url, deadline_at, self._deadline)'))
