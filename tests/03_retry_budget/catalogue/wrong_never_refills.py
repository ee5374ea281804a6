"""A budget that never refills: successes refund nothing."""
from harness.derive import inherit

CAUGHT_BY = [
    "test_successes_refill_up_to_max",
    "test_flaky_service_still_gets_retries",
    "test_tokens_never_go_negative",
]
reference = inherit(globals(), __file__)


class RetryBudget(reference.RetryBudget):
    def record_success(self):
        pass  # tokens only ever go down
