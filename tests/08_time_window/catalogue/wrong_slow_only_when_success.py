"""Counts slow calls only when they succeed: a slow failure is a failure but not slow."""
from harness.derive import inherit

CAUGHT_BY = ["test_slow_failures_count_toward_both_rates"]
reference = inherit(globals(), __file__)


class CircuitBreaker(reference.CircuitBreaker):
    def _complete(self, epoch, *, failed, slow):
        super()._complete(epoch, failed=failed, slow=slow and not failed)
