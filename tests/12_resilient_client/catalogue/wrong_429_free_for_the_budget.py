"""Charges the budget only for what the breaker counts: a 429 costs no token."""
from harness.derive import rewrite

CAUGHT_BY = ['test_a_429_is_retried_but_never_opens_the_breaker']
rewrite(globals(), __file__,
        ('            if transient:\n                self._budget.record_failure()\n',
         '            if transient and getattr(outcome, "status_code", None) != 429:\n'
         '                self._budget.record_failure()\n'
         '            elif transient:\n'
         '                pass\n'))
