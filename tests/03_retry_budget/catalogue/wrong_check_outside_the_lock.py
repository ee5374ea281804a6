"""Checks for a token outside the lock, then decrements inside it: both callers pass."""
from harness.derive import inherit

CAUGHT_BY = ["test_budget_is_safe_under_concurrent_callers"]
REPEAT = 20
reference = inherit(globals(), __file__)


class RetryBudget(reference.RetryBudget):
    def record_failure(self):
        if self._tokens >= 1:  # both callers can read 1 here before either takes the lock
            with self._lock:
                self._tokens -= 1
        else:
            with self._lock:
                self._tokens = 0.0
