"""No lock at all: read-modify-write updates lose each other under concurrency."""
from harness.derive import inherit

CAUGHT_BY = ["test_budget_is_safe_under_concurrent_callers"]
REPEAT = 20
reference = inherit(globals(), __file__)


class RetryBudget(reference.RetryBudget):
    def record_failure(self):
        self._tokens = max(0.0, self._tokens - 1)

    def record_success(self):
        self._tokens = min(self.max_tokens, self._tokens + self.token_ratio)
