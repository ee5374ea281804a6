"""Allows a retry at exactly max_tokens / 2 (>= instead of >)."""
from harness.derive import inherit

CAUGHT_BY = ["test_retries_allowed_only_above_half"]
reference = inherit(globals(), __file__)


class RetryBudget(reference.RetryBudget):
    def can_retry(self):
        with self._lock:
            return self._tokens >= self.max_tokens / 2
