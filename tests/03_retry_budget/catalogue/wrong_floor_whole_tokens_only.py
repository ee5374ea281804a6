"""Takes a token only when a whole one is left: 0.1 tokens stay 0.1 after a failure."""
from harness.derive import inherit

CAUGHT_BY = ["test_tokens_never_go_negative"]
reference = inherit(globals(), __file__)


class RetryBudget(reference.RetryBudget):
    def record_failure(self):
        with self._lock:
            if self._tokens >= 1:  # "never below 0", read as "never take a token we lack"
                self._tokens -= 1
