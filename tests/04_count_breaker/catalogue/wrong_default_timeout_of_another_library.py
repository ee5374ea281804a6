"""Uses another library's default open period (60 s, as pybreaker) instead of the lesson's 30 s."""
from harness.derive import inherit

CAUGHT_BY = ["test_default_settings"]
reference = inherit(globals(), __file__)


class CircuitBreaker(reference.CircuitBreaker):
    def __init__(self, failure_threshold=5, recovery_timeout=60.0, success_threshold=2,
                 **options):  # the mistake: recovery_timeout defaults to 60 s
        super().__init__(failure_threshold, recovery_timeout, success_threshold, **options)
