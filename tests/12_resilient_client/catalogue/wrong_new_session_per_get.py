"""Without a session of its own it makes a new requests.Session for every get: no connection is ever reused."""
from harness.derive import rewrite

CAUGHT_BY = ['test_own_session_is_made_once']
rewrite(globals(), __file__,
        ('self._session = session if session is not None else requests.Session()',
         'self._session = session'),
        ('        response = self._session.get(url, timeout=(timeout, timeout), stream=True)',
         '        session = self._session if self._session is not None else requests.Session()\n'
         '        response = session.get(url, timeout=(timeout, timeout), stream=True)'))
