"""Never asks the budget: every transient failure is retried up to max_attempts."""
from harness.derive import rewrite

CAUGHT_BY = ['test_budget_is_shared_across_calls']
rewrite(globals(), __file__,
        (' or not self._budget.can_retry():',
         ':'))
