"""Allows retries while tokens > 5: half of the default bucket, whatever max_tokens is."""
from harness.derive import inherit

CAUGHT_BY = ["test_retries_allowed_only_above_half", "test_budget_uses_its_own_settings"]
reference = inherit(globals(), __file__)


class RetryBudget(reference.RetryBudget):
    def can_retry(self):
        with self._lock:
            return self._tokens > 5
