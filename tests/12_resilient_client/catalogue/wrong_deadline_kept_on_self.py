"""Keeps the call's deadline on self: threads sharing one client overwrite each other's."""
from harness.derive import rewrite

CAUGHT_BY = ['test_one_client_serves_many_threads']
REPEAT = 3
rewrite(globals(), __file__,
        ('        deadline_at = self._clock() + seconds  # layer 1: every layer below reads this',
         '        self._deadline_at = deadline_at = self._clock() + seconds'),
        ('            now = self._clock()\n            if deadline_at - now',
         '            now = self._clock()\n            deadline_at = self._deadline_at\n            if deadline_at - now'))
