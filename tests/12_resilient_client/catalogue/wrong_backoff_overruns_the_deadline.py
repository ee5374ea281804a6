"""Sleeps the backoff first and looks at the deadline afterwards: waits that cannot fit are slept anyway."""
from harness.derive import rewrite

CAUGHT_BY = ['test_never_sleeps_past_the_deadline']
rewrite(globals(), __file__,
        ('            if deadline_at - self._clock() - wait < self._min_attempt_time:',
         '            if False:'))
