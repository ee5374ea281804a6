"""Counts failures under the lock, then takes the token after releasing it: the lock is
held, just not around the read-and-update of the tokens."""
from harness.derive import inherit

CAUGHT_BY = ["test_budget_is_safe_under_concurrent_callers"]
REPEAT = 20
reference = inherit(globals(), __file__)


class RetryBudget(reference.RetryBudget):
    failures = 0

    def record_failure(self):
        with self._lock:
            self.failures += 1
        self._tokens = max(0.0, self._tokens - 1)  # outside the lock
