"""HTTPAdapter(max_retries=3) on its own session: no status is retried, but every reset connection is (12 calls)."""
from harness.derive import rewrite

CAUGHT_BY = ['test_session_makes_no_retries_of_its_own']
rewrite(globals(), __file__,
        ('self._session = session if session is not None else requests.Session()',
         'self._session = session if session is not None else retrying_session()'))

from requests.adapters import HTTPAdapter


def retrying_session():
    session = requests.Session()
    session.mount("http://", HTTPAdapter(max_retries=3))
    return session
