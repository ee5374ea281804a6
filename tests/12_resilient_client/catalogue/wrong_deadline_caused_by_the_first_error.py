"""DeadlineExceeded is raised from the first attempt's error, not the last one's."""
from harness.derive import rewrite

CAUGHT_BY = ['test_deadline_error_carries_the_last_error']
rewrite(globals(), __file__,
        ('                outcome = last_error = error\n',
         '                outcome = error\n                last_error = last_error or error\n'))
