"""Compares with 50% whatever failure_rate_threshold says: the README's example hard-coded."""
from harness.derive import inherit

CAUGHT_BY = ["test_thresholds_other_than_fifty", "test_half_open_verdict_uses_the_threshold"]
reference = inherit(globals(), __file__)


class CircuitBreaker(reference.CircuitBreaker):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.failure_rate_threshold = 50.0  # the mistake: the setting is read, then ignored
