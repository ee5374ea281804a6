"""Falls back only when the breaker rejects the call (as fabfuel's circuitbreaker does), not when retries are exhausted."""
from harness.derive import rewrite

CAUGHT_BY = ['test_fallback_on_every_kind_of_unavailability']
rewrite(globals(), __file__,
        ('    return isinstance(error, (CircuitOpenError, DeadlineExceeded)) or is_transient(error)',
         '    return isinstance(error, (CircuitOpenError, DeadlineExceeded))'),
        ('        if self._fallback is not None and is_transient(response):',
         '        if False:'))
