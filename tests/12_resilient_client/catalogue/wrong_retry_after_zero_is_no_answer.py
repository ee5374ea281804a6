"""Reads 'Retry-After: 0' as no Retry-After at all (asked or backoff), and waits the backoff instead."""
from harness.derive import rewrite

CAUGHT_BY = ['test_retry_after_is_honoured_within_the_deadline']
rewrite(globals(), __file__,
        ('        return asked if asked is not None else self._backoff(k)',
         '        return asked or self._backoff(k)'))
