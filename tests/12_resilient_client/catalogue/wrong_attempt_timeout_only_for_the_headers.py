"""attempt_timeout bounds connect and headers only: the body may run on until the deadline."""
from harness.derive import rewrite

CAUGHT_BY = ['test_attempt_timeout_bounds_the_body_too']
rewrite(globals(), __file__,
        ('outcome: object = breaker.call(self._attempt, url, ends_at - now, ends_at)',
         'outcome: object = breaker.call(self._attempt, url, ends_at - now, deadline_at)'))
