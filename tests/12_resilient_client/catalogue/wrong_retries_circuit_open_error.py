"""Retries a rejection: CircuitOpenError is treated as one more transient failure."""
from harness.derive import rewrite

CAUGHT_BY = ['test_breaker_sees_every_attempt', 'test_dead_service_gets_only_trials']
rewrite(globals(), __file__,
        ('            except CircuitOpenError:\n                raise\n',
         ''),
        ('            transient = is_transient(outcome)\n',
         '            transient = is_transient(outcome) or isinstance(outcome, CircuitOpenError)\n'))
