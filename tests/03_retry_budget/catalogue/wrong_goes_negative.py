"""No floor: the counter goes negative and must be paid back before retries return."""
from harness.derive import inherit

CAUGHT_BY = ["test_tokens_never_go_negative"]
reference = inherit(globals(), __file__)


class RetryBudget(reference.RetryBudget):
    def record_failure(self):
        with self._lock:
            self._tokens -= 1
