"""Rounds the tokens to hundredths after each refund: 9.375 becomes 9.38, 9.007 becomes 9.01."""
from harness.derive import inherit

CAUGHT_BY = ["test_successes_refill_up_to_max"]
reference = inherit(globals(), __file__)


class RetryBudget(reference.RetryBudget):
    def record_success(self):
        with self._lock:
            self._tokens = round(min(self.max_tokens, self._tokens + self.token_ratio), 2)
