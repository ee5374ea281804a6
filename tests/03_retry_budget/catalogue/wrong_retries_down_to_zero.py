"""Allows retries while any token is left, down to 0, not above half."""
from harness.derive import inherit

CAUGHT_BY = ["test_retries_allowed_only_above_half"]
reference = inherit(globals(), __file__)


class RetryBudget(reference.RetryBudget):
    def can_retry(self):
        with self._lock:
            return self._tokens > 0
