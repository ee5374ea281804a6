"""Makes a session of its own even when it is given one."""
from harness.derive import rewrite

CAUGHT_BY = ['test_uses_the_session_it_is_given']
rewrite(globals(), __file__,
        ('self._session = session if session is not None else requests.Session()',
         'self._session = requests.Session()'))
