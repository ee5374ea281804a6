"""Excludes every HTTPError, so a 503 is not a failure either."""

import pybreaker
import requests
from harness.derive import inherit

CAUGHT_BY = ["test_service_failures_are_failures", "test_opens_after_threshold_consecutive_failures"]
reference = inherit(globals(), __file__)


def make_breaker(name, *, failure_threshold=5, recovery_timeout=30.0, success_threshold=2,
                 listeners=()):
    _check_breaker_settings(failure_threshold, success_threshold, recovery_timeout)
    return pybreaker.CircuitBreaker(
        fail_max=failure_threshold,
        reset_timeout=recovery_timeout,
        success_threshold=success_threshold,
        exclude=[requests.HTTPError],
        listeners=[_Shielded(listener) for listener in listeners],
        name=name,
        throw_new_error_on_trip=False,
    )
