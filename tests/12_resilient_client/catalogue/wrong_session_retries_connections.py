"""Its own session retries connections that never open (urllib3 Retry(connect=3), "they never reached the server"): 2 attempts make 8 connects."""
from harness.derive import rewrite

CAUGHT_BY = ['test_session_makes_no_retries_of_its_own']
rewrite(globals(), __file__,
        ('self._session = session if session is not None else requests.Session()',
         'self._session = session if session is not None else connect_retrying_session()'))

from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry


def connect_retrying_session():
    session = requests.Session()
    session.mount("http://", HTTPAdapter(max_retries=Retry(total=3, connect=3, read=0,
                                                             status=0)))
    return session
