"""No ceiling: successes pile up tokens above max_tokens."""
from harness.derive import inherit

CAUGHT_BY = ["test_successes_refill_up_to_max", "test_flaky_service_still_gets_retries"]
reference = inherit(globals(), __file__)


class RetryBudget(reference.RetryBudget):
    def record_success(self):
        with self._lock:
            self._tokens += self.token_ratio
