"""Falls back on any exception, a bad URL or an undecodable body included."""
from harness.derive import rewrite

CAUGHT_BY = ['test_undecodable_body_is_not_retried']
rewrite(globals(), __file__,
        ('    return isinstance(error, (CircuitOpenError, DeadlineExceeded)) or is_transient(error)',
         '    return True'))
