"""Turns recovery_timeout=0 into the default 30 s (`recovery_timeout or 30.0`): 0 is a setting, not "unset"."""
from harness.derive import inherit

CAUGHT_BY = ["test_recovery_admits_a_trial_after_any_timeout"]
reference = inherit(globals(), __file__)


class CircuitBreaker(reference.CircuitBreaker):
    def __init__(self, failure_threshold=5, recovery_timeout=30.0, success_threshold=2,
                 **options):
        # the mistake: the `or` default of fabfuel/circuitbreaker
        super().__init__(failure_threshold, recovery_timeout or 30.0, success_threshold,
                         **options)
