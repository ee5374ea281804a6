"""Refunds a fixed 0.1 per success (gRPC's example value) instead of its own token_ratio."""
from harness.derive import inherit

CAUGHT_BY = ["test_budget_uses_its_own_settings"]
reference = inherit(globals(), __file__)


class RetryBudget(reference.RetryBudget):
    def record_success(self):
        with self._lock:
            self._tokens = min(self.max_tokens, self._tokens + 0.1)
