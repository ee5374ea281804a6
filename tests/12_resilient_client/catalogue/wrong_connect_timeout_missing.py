"""A read timeout but no connect timeout: timeout=(None, t) waits for ever on a connection that never completes."""
from harness.derive import rewrite

CAUGHT_BY = ['test_deadline_holds_whatever_the_service_does']
rewrite(globals(), __file__,
        ('response = self._session.get(url, timeout=(timeout, timeout), stream=True)',
         'response = self._session.get(url, timeout=(None, timeout), stream=True)'))
