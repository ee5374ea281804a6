"""Reports only responses to the budget: an undecodable body reached the service but refunds nothing."""
from harness.derive import rewrite

CAUGHT_BY = ['test_undecodable_body_is_not_retried']
rewrite(globals(), __file__,
        ('            else:\n                self._budget.record_success()\n',
         '            elif not isinstance(outcome, Exception):\n                self._budget.record_success()\n'))
