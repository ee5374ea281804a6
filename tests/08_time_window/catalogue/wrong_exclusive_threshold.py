"""Opens only above a threshold (rate > threshold), so 2 failures of 4 stay closed at 50%."""
from harness.derive import inherit

CAUGHT_BY = ["test_opens_at_the_threshold_inclusive",
             "test_slow_successes_open_the_breaker",
             "test_slow_failures_count_toward_both_rates"]
reference = inherit(globals(), __file__)


class CircuitBreaker(reference.CircuitBreaker):
    def _too_bad(self, failures, slow_calls, total):
        return (failures * 100 > self.failure_rate_threshold * total  # > where >= is meant
                or slow_calls * 100 > self.slow_call_rate_threshold * total)
