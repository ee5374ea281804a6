"""No timeout on the call: a service that never answers holds the caller for ever."""
from harness.derive import rewrite

CAUGHT_BY = ['test_deadline_holds_whatever_the_service_does', 'test_deadline_error_and_fallback']
rewrite(globals(), __file__,
        ('response = self._session.get(url, timeout=(timeout, timeout), stream=True)',
         'response = self._session.get(url, stream=True)'))
