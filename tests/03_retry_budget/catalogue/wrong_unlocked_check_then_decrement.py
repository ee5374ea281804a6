"""No lock: checks there is a token, then decrements; two callers both pass the check."""
from harness.derive import inherit

CAUGHT_BY = ["test_budget_is_safe_under_concurrent_callers"]
REPEAT = 20
reference = inherit(globals(), __file__)


class RetryBudget(reference.RetryBudget):
    def record_failure(self):
        if self._tokens >= 1:
            self._tokens -= 1
        else:
            self._tokens = 0.0

    def record_success(self):
        if self._tokens + self.token_ratio <= self.max_tokens:
            self._tokens += self.token_ratio
        else:
            self._tokens = self.max_tokens
