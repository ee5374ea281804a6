"""Reports every error status to the budget as a failure, a 404 included."""
from harness.derive import rewrite

CAUGHT_BY = ['test_a_404_leaves_the_breaker_and_the_budget_alone']
rewrite(globals(), __file__,
        ('            if transient:\n                self._budget.record_failure()\n',
         "            if transient or getattr(outcome, 'status_code', 200) >= 400:\n                self._budget.record_failure()\n"))
