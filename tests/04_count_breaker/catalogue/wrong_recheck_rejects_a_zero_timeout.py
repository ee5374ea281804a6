"""Rejects recovery_timeout=0 with ValueError, though the README declares 0 valid (a trial at once)."""
from harness.derive import inherit

CAUGHT_BY = ["test_recovery_admits_a_trial_after_any_timeout"]
reference = inherit(globals(), __file__)


class CircuitBreaker(reference.CircuitBreaker):
    def __init__(self, failure_threshold=5, recovery_timeout=30.0, success_threshold=2,
                 **options):
        if recovery_timeout <= 0:  # the mistake: "positive" where the README says "0 or more"
            raise ValueError("recovery_timeout must be positive")
        super().__init__(failure_threshold, recovery_timeout, success_threshold, **options)
