"""Uses Hystrix-like defaults (a window of 20 calls, minimum 20, 5 s open) instead of the README's."""
from harness.derive import inherit

CAUGHT_BY = ["test_default_settings"]
reference = inherit(globals(), __file__)


class CircuitBreaker(reference.CircuitBreaker):
    def __init__(self, failure_rate_threshold=50.0, window_size=20, minimum_calls=20,
                 recovery_timeout=5.0, half_open_max_calls=10, *args, **kwargs):
        super().__init__(failure_rate_threshold, window_size, minimum_calls, recovery_timeout,
                         half_open_max_calls, *args, **kwargs)
