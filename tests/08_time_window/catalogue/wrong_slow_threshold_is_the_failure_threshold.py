"""Judges the slow-call rate against failure_rate_threshold: the two thresholds confused."""
from harness.derive import inherit

CAUGHT_BY = ["test_thresholds_and_durations_other_than_the_examples"]
reference = inherit(globals(), __file__)


class CircuitBreaker(reference.CircuitBreaker):
    def _too_bad(self, failures, slow_calls, total):
        return (rate_reached(failures, total, self.failure_rate_threshold)
                or rate_reached(slow_calls, total, self.failure_rate_threshold))  # the mistake
