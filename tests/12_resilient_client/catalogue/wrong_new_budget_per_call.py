"""A fresh RetryBudget for every get: the budget is never shared, so a dead service gets every retry."""
from harness.derive import rewrite

CAUGHT_BY = ['test_budget_is_shared_across_calls']
rewrite(globals(), __file__,
        ('        breaker = self._registry.for_url(url)\n',
         '        breaker = self._registry.for_url(url)\n        budget = RetryBudget(self._budget.max_tokens, self._budget.token_ratio)\n'),
        ('            if transient:\n                self._budget.record_failure()\n            else:\n                self._budget.record_success()\n',
         '            if transient:\n                budget.record_failure()\n            else:\n                budget.record_success()\n'),
        ('or not self._budget.can_retry():',
         'or not budget.can_retry():'))
