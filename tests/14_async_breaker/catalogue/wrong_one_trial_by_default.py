"""Defaults to one trial call (lessons 4-6's habit) instead of Resilience4j's ten."""
from harness.derive import inherit

CAUGHT_BY = ["test_defaults_are_resilience4j_s"]
reference = inherit(globals(), __file__)


class CircuitBreaker(reference.CircuitBreaker):
    def __init__(self, *args, half_open_max_calls=1, **kwargs):
        super().__init__(*args, half_open_max_calls=half_open_max_calls, **kwargs)
