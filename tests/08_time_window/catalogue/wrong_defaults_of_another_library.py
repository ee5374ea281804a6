"""Uses Hystrix's window (10 s in 10 buckets, 20 calls minimum) and a 5 s open period instead of the README's defaults."""
from harness.derive import inherit

CAUGHT_BY = ["test_default_settings"]
reference = inherit(globals(), __file__)


class CircuitBreaker(reference.CircuitBreaker):
    def __init__(self, failure_rate_threshold=50.0, window_seconds=10.0, window_buckets=10,
                 minimum_calls=20, slow_call_duration=60.0, slow_call_rate_threshold=100.0,
                 recovery_timeout=5.0, *args, **kwargs):
        super().__init__(failure_rate_threshold, window_seconds, window_buckets, minimum_calls,
                         slow_call_duration, slow_call_rate_threshold, recovery_timeout,
                         *args, **kwargs)
