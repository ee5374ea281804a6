"""Refunds token_ratio on failures too: a failure costs 0.9, not 1."""
from harness.derive import inherit

CAUGHT_BY = ["test_each_failure_costs_one_token", "test_retry_reports_every_attempt_to_the_budget"]
reference = inherit(globals(), __file__)


class RetryBudget(reference.RetryBudget):
    def record_failure(self):
        with self._lock:
            self._tokens = max(0.0, self._tokens - 1 + self.token_ratio)
