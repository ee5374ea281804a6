"""Locks record_failure but not record_success: concurrent refunds get lost."""
from harness.derive import inherit

CAUGHT_BY = ["test_budget_is_safe_under_concurrent_callers"]
REPEAT = 20
reference = inherit(globals(), __file__)


class RetryBudget(reference.RetryBudget):
    def record_success(self):
        self._tokens = min(self.max_tokens, self._tokens + self.token_ratio)  # no lock
