"""Turns recovery_timeout=0 into the default 60 s (`recovery_timeout or 60.0`): 0 is a setting, not "unset"."""
from harness.derive import inherit

CAUGHT_BY = ["test_recovery_admits_a_trial_after_any_timeout"]
reference = inherit(globals(), __file__)


class CircuitBreaker(reference.CircuitBreaker):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.recovery_timeout = self.recovery_timeout or 60.0  # the mistake: the `or` default
