"""Waits for the breaker's retry_after when it fits in the deadline, instead of ending the get."""
from harness.derive import rewrite

CAUGHT_BY = ['test_dead_service_gets_only_trials']
rewrite(globals(), __file__,
        ('            except CircuitOpenError:\n                raise\n',
         '            except CircuitOpenError as rejection:\n                if deadline_at - self._clock() - rejection.retry_after < self._min_attempt_time:\n                    raise\n                self._sleep(rejection.retry_after)\n                continue\n'))
