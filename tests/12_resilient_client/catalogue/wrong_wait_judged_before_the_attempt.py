"""Judges whether the wait fits with the time read before the attempt: sleeps a wait the attempt's own time no longer leaves room for."""
from harness.derive import rewrite

CAUGHT_BY = ['test_never_sleeps_past_the_deadline']
rewrite(globals(), __file__,
        ('            if deadline_at - self._clock() - wait < self._min_attempt_time:',
         '            if deadline_at - now - wait < self._min_attempt_time:'))
