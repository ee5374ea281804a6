"""Ignores the injected clock: calls time.monotonic() itself, so a fake clock changes nothing."""
import time

from harness.derive import inherit

CAUGHT_BY = ["test_uses_only_the_injected_clock", "test_recovery_timeout_admits_a_trial_call"]
reference = inherit(globals(), __file__)


class CircuitBreaker(reference.CircuitBreaker):
    def __init__(self, *args, **options):
        super().__init__(*args, **options)
        self._clock = time.monotonic  # the mistake: the `clock` argument is not used
