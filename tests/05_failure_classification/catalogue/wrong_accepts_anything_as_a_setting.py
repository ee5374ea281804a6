"""Checks only the numbers: exclude=[404] or is_failure="5xx" are accepted and fail at the first error."""
from harness.derive import inherit

CAUGHT_BY = ["test_zero_is_a_setting_not_a_default"]
reference = inherit(globals(), __file__)


class CircuitBreaker(reference.CircuitBreaker):
    def __init__(self, *args, exclude=(), is_failure=is_failure_by_default,
                 is_failure_result=is_failure_result_by_default, **options):
        super().__init__(*args, **options)  # checks the thresholds and the timeout
        # the mistake: exclude, is_failure and is_failure_result are not checked
        self.exclude = tuple(exclude)
        self.is_failure = is_failure
        self.is_failure_result = is_failure_result
