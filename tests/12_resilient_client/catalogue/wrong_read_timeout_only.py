"""Trusts requests' read timeout: no stream=True and no clock while the body arrives (a slowloris body passes)."""
from harness.derive import rewrite

CAUGHT_BY = ['test_deadline_holds_whatever_the_service_does', 'test_attempt_timeout_bounds_the_body_too']
rewrite(globals(), __file__,
        ('        response = self._session.get(url, timeout=(timeout, timeout), stream=True)\n        try:\n            return with_body(response, self._read_body(response, ends_at))\n',
         '        response = self._session.get(url, timeout=(timeout, timeout))\n        try:\n            return response\n'))
