"""Does not cap minimum_calls at window_size, so a window smaller than the minimum never opens."""
from harness.derive import inherit

CAUGHT_BY = ["test_minimum_calls_is_capped_at_the_window_size"]
reference = inherit(globals(), __file__)


class CircuitBreaker(reference.CircuitBreaker):
    def __init__(self, failure_rate_threshold=50.0, window_size=100, minimum_calls=100,
                 *args, **kwargs):
        super().__init__(failure_rate_threshold, window_size, minimum_calls, *args, **kwargs)
        self.minimum_calls = minimum_calls  # not min(minimum_calls, window_size)
