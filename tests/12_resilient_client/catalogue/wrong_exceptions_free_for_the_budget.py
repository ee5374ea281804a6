"""Charges the budget only for failed responses: a reset, a cut body or a timeout costs no token."""
from harness.derive import rewrite

CAUGHT_BY = ['test_retries_every_transport_fault']
rewrite(globals(), __file__,
        ('            if transient:\n                self._budget.record_failure()\n',
         '            if transient and not isinstance(outcome, Exception):\n'
         '                self._budget.record_failure()\n'
         '            elif transient:\n'
         '                pass\n'))
