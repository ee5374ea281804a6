"""Validates nothing: a zero threshold or a negative timeout is accepted silently."""
from harness.derive import inherit

CAUGHT_BY = ["test_rejects_invalid_settings"]
reference = inherit(globals(), __file__)


class CircuitBreaker(reference.CircuitBreaker):
    def __init__(self, failure_threshold=5, recovery_timeout=30.0, success_threshold=2,
                 **options):
        super().__init__(**options)
        # the mistake: the settings are stored as given, never checked
        self.failure_threshold = failure_threshold
        self.recovery_timeout = recovery_timeout
        self.success_threshold = success_threshold
