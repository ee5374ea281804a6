"""fail_max = failure_threshold - 1, as if pybreaker opened on the failure after fail_max."""

import pybreaker
from harness.derive import inherit

CAUGHT_BY = ["test_opens_after_threshold_consecutive_failures"]
reference = inherit(globals(), __file__)


def make_breaker(name, *, failure_threshold=5, recovery_timeout=30.0, success_threshold=2,
                 listeners=()):
    _check_breaker_settings(failure_threshold, success_threshold, recovery_timeout)
    return pybreaker.CircuitBreaker(
        fail_max=max(1, failure_threshold - 1),
        reset_timeout=recovery_timeout,
        success_threshold=success_threshold,
        exclude=[_is_an_answer],
        listeners=[_Shielded(listener) for listener in listeners],
        name=name,
        throw_new_error_on_trip=False,
    )
