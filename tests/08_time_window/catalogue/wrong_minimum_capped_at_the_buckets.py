"""Caps minimum_calls at window_buckets, as lesson 7 capped it at window_size: with 2 buckets it opens after 2 calls."""
from harness.derive import inherit

CAUGHT_BY = ["test_minimum_calls_is_not_capped"]
reference = inherit(globals(), __file__)


class CircuitBreaker(reference.CircuitBreaker):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.minimum_calls = min(self.minimum_calls, self._window.buckets)  # the mistake
