"""Ignores minimum_calls and waits for a full window: minimum_calls confused with window_size."""
from harness.derive import inherit

CAUGHT_BY = ["test_failure_rate_shows_the_tripping_window_while_open",
             "test_cancellation_is_neither_failure_nor_success"]
reference = inherit(globals(), __file__)


class CircuitBreaker(reference.CircuitBreaker):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.minimum_calls = self.window_size
