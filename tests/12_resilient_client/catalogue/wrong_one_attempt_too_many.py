"""Retries max_attempts times: max_attempts + 1 calls in all."""
from harness.derive import rewrite

CAUGHT_BY = ['test_gives_up_after_max_attempts']
rewrite(globals(), __file__,
        ('        for k in range(self._max_attempts):',
         '        for k in range(self._max_attempts + 1):'),
        ('            if k == self._max_attempts - 1 or',
         '            if k == self._max_attempts or'))
