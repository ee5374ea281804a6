"""Accepts is_failure and is_failure_result, then always applies the default rules."""
from harness.derive import inherit

CAUGHT_BY = ["test_custom_predicates_decide"]
reference = inherit(globals(), __file__)


class CircuitBreaker(reference.CircuitBreaker):
    def __init__(self, *args, **options):
        super().__init__(*args, **options)  # the predicates are checked...
        self.is_failure = is_failure_by_default  # the mistake: ...then never used
        self.is_failure_result = is_failure_result_by_default
