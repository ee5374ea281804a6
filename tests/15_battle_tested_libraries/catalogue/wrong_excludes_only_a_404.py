"""Excludes the 404 only: a 400, 401, 403, 409, 422 or 429 still counts as a failure."""

import pybreaker
import requests
from harness.derive import inherit

CAUGHT_BY = ["test_answers_are_not_failures"]
reference = inherit(globals(), __file__)


def make_breaker(name, *, failure_threshold=5, recovery_timeout=30.0, success_threshold=2,
                 listeners=()):
    _check_breaker_settings(failure_threshold, success_threshold, recovery_timeout)
    return pybreaker.CircuitBreaker(
        fail_max=failure_threshold,
        reset_timeout=recovery_timeout,
        success_threshold=success_threshold,
        exclude=[lambda error: isinstance(error, requests.HTTPError)
                 and error.response.status_code == 404],
        listeners=[_Shielded(listener) for listener in listeners],
        name=name,
        throw_new_error_on_trip=False,
    )
