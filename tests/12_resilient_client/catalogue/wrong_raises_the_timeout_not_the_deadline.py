"""When the deadline cuts the last attempt, raises that attempt's ReadTimeout instead of DeadlineExceeded."""
from harness.derive import rewrite

CAUGHT_BY = ['test_deadline_error_and_fallback']
rewrite(globals(), __file__,
        ('            if self._clock() >= deadline_at:  # this attempt ran into the deadline',
         '            if False:'))
