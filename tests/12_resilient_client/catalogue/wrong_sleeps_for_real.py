"""Waits with time.sleep instead of the injected sleep."""
from harness.derive import rewrite

CAUGHT_BY = ['test_retries_transient_statuses_until_success']
rewrite(globals(), __file__,
        ('            self._sleep(wait)',
         '            time.sleep(wait)'))
