"""A pasted breaker that turns recovery_timeout=0 into the default 30 s (`recovery_timeout or 30.0`)."""
from harness.derive import inherit

CAUGHT_BY = ["test_recovery_admits_a_trial_after_any_timeout"]
reference = inherit(globals(), __file__)


class CircuitBreaker(reference.CircuitBreaker):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._recovery_timeout = self._recovery_timeout or 30.0  # the mistake: the `or` default
