"""Ignores Retry-After: always waits the backoff."""
from harness.derive import rewrite

CAUGHT_BY = ['test_retry_after_is_honoured_within_the_deadline']
rewrite(globals(), __file__,
        ('        return asked if asked is not None else self._backoff(k)',
         '        return self._backoff(k)'))
