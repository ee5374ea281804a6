"""Reads settings with `x or default`, so 0 silently becomes the default (recovery_timeout=0 waits 30 s)."""
from harness.derive import inherit

CAUGHT_BY = ["test_zero_is_a_setting_not_a_default"]
reference = inherit(globals(), __file__)


class CircuitBreaker(reference.CircuitBreaker):
    def __init__(self, failure_threshold=5, recovery_timeout=30.0, success_threshold=2,
                 **options):
        super().__init__(failure_threshold or 5,  # the mistake: 0 is falsy
                         recovery_timeout or 30.0,
                         success_threshold or 2, **options)
