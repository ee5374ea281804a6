"""Guards record_failure and record_success with two different locks: a failure and a
success at the same moment both read the same tokens, and one update is lost."""
import threading

from harness.derive import inherit

CAUGHT_BY = ["test_budget_is_safe_under_concurrent_callers"]
REPEAT = 20
reference = inherit(globals(), __file__)


class RetryBudget(reference.RetryBudget):
    def __init__(self, max_tokens=10, token_ratio=0.1):
        super().__init__(max_tokens, token_ratio)
        self._refund_lock = threading.Lock()  # a second lock: excludes refunds from refunds only

    def record_success(self):
        with self._refund_lock:
            self._tokens = min(self.max_tokens, self._tokens + self.token_ratio)
