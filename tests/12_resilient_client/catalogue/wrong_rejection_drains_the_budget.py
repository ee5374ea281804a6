"""Reports a rejected attempt to the budget as a failure, though it never reached the service."""
from harness.derive import rewrite

CAUGHT_BY = ['test_breaker_sees_every_attempt']
rewrite(globals(), __file__,
        ('            except CircuitOpenError:\n                raise\n',
         '            except CircuitOpenError:\n                self._budget.record_failure()\n                raise\n'))
