"""The exclude predicate reads error.response.status_code of every error: AttributeError on a connection error or a KeyError."""

import pybreaker
from harness.derive import inherit

CAUGHT_BY = ["test_service_failures_are_failures", "test_answers_are_not_failures"]
reference = inherit(globals(), __file__)


def make_breaker(name, *, failure_threshold=5, recovery_timeout=30.0, success_threshold=2,
                 listeners=()):
    _check_breaker_settings(failure_threshold, success_threshold, recovery_timeout)
    return pybreaker.CircuitBreaker(
        fail_max=failure_threshold,
        reset_timeout=recovery_timeout,
        success_threshold=success_threshold,
        exclude=[lambda error: error.response.status_code < 500],
        listeners=[_Shielded(listener) for listener in listeners],
        name=name,
        throw_new_error_on_trip=False,
    )
