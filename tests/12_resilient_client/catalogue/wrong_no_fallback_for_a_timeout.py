"""Falls back on every failure but a timeout that ends the retries before the deadline: that ReadTimeout is raised."""
from harness.derive import rewrite

CAUGHT_BY = ['test_fallback_on_every_kind_of_unavailability']
rewrite(globals(), __file__,
        ('    return isinstance(error, (CircuitOpenError, DeadlineExceeded)) or is_transient(error)',
         '    return isinstance(error, (CircuitOpenError, DeadlineExceeded)) or (\n'
         '        is_transient(error) and not isinstance(error, requests.ReadTimeout))'))
