"""Ignores get(url, deadline=...): every call gets the client's deadline."""
from harness.derive import rewrite

CAUGHT_BY = ['test_deadline_error_and_fallback', 'test_spent_deadline_makes_no_call']
rewrite(globals(), __file__,
        ('        seconds = self._deadline if deadline is None else deadline',
         '        seconds = self._deadline'))
