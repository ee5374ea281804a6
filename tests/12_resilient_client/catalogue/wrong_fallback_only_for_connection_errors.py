"""Falls back on HTTP errors, connection errors, rejections and the deadline only, as a Resilience4j withFallback(list of exceptions) does: a body cut short or a timeout is raised."""
from harness.derive import rewrite

CAUGHT_BY = ['test_fallback_on_every_kind_of_unavailability']
rewrite(globals(), __file__,
        ('    return isinstance(error, (CircuitOpenError, DeadlineExceeded)) or is_transient(error)',
         '    return isinstance(error, (CircuitOpenError, DeadlineExceeded, requests.ConnectionError,\n'
         '                              requests.HTTPError))'))
