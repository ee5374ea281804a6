"""Its own session retries too: urllib3 Retry(total=3, status_forcelist=[503]) under 3 attempts makes 12 calls."""
from harness.derive import rewrite

CAUGHT_BY = ['test_session_makes_no_retries_of_its_own']
rewrite(globals(), __file__,
        ('self._session = session if session is not None else requests.Session()',
         'self._session = session if session is not None else retrying_session()'))

from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry


def retrying_session():
    session = requests.Session()
    adapter = HTTPAdapter(max_retries=Retry(total=3, status_forcelist=[503]))
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session
