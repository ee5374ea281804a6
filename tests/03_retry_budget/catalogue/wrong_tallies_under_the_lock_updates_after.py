"""Keeps a tally of failures and successes under the lock, then updates the tokens after
releasing it: two callers that queue for the lock reach the unlocked update side by side."""
from harness.derive import inherit

CAUGHT_BY = ["test_budget_is_safe_under_concurrent_callers"]
REPEAT = 20
reference = inherit(globals(), __file__)


class RetryBudget(reference.RetryBudget):
    failures = successes = 0

    def record_failure(self):
        with self._lock:
            self.failures += 1
        self._tokens = max(0.0, self._tokens - 1)  # outside the lock

    def record_success(self):
        with self._lock:
            self.successes += 1
        self._tokens = min(self.max_tokens, self._tokens + self.token_ratio)  # outside the lock
