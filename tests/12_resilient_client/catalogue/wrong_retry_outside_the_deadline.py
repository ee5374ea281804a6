"""No total deadline, only a timeout per attempt: a get may take attempts × attempt_timeout."""
from harness.derive import rewrite

CAUGHT_BY = ['test_deadline_holds_whatever_the_service_does', 'test_deadline_error_and_fallback']
rewrite(globals(), __file__,
        ('            if deadline_at - now < self._min_attempt_time:  # too little time to try (again)',
         '            if False:'),
        ('            ends_at = min(now + self._attempt_timeout, deadline_at)',
         '            ends_at = now + self._attempt_timeout'),
        ('            if self._clock() >= deadline_at:  # this attempt ran into the deadline',
         '            if False:'),
        ('            if deadline_at - self._clock() - wait < self._min_attempt_time:',
         '            if False:'))
