"""Keeps the attempt count on self: two threads sharing one client share their attempts too."""
from harness.derive import rewrite

CAUGHT_BY = ['test_threads_keep_their_own_attempts_and_errors']
rewrite(globals(), __file__,
        ('        for k in range(self._max_attempts):\n            now = self._clock()\n',
         '        self._k = -1\n'
         '        while True:\n'
         '            self._k += 1\n'
         '            k = self._k\n'
         '            if k >= self._max_attempts:\n'
         '                break\n'
         '            now = self._clock()\n'),
        ('            if k == self._max_attempts - 1 or not self._budget.can_retry():',
         '            if self._k >= self._max_attempts - 1 or not self._budget.can_retry():'))
