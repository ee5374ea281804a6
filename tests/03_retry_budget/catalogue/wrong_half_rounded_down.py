"""Compares with max_tokens // 2: with max_tokens=5, 2.5 tokens still allow a retry."""
from harness.derive import inherit

CAUGHT_BY = ["test_half_of_any_max_tokens_is_exact"]
reference = inherit(globals(), __file__)


class RetryBudget(reference.RetryBudget):
    def can_retry(self):
        with self._lock:
            return self._tokens > self.max_tokens // 2
