"""Excludes 4xx answers and non-requests errors only: malformed JSON (a RequestException) counts as a failure."""

import pybreaker
import requests
from harness.derive import inherit

CAUGHT_BY = ["test_answers_are_not_failures"]
reference = inherit(globals(), __file__)


def _answered(error):
    return (isinstance(error, requests.HTTPError) and error.response is not None
            and error.response.status_code < 500)


def _not_from_requests(error):
    return isinstance(error, Exception) and not isinstance(error, requests.RequestException)


def make_breaker(name, *, failure_threshold=5, recovery_timeout=30.0, success_threshold=2,
                 listeners=()):
    _check_breaker_settings(failure_threshold, success_threshold, recovery_timeout)
    return pybreaker.CircuitBreaker(
        fail_max=failure_threshold,
        reset_timeout=recovery_timeout,
        success_threshold=success_threshold,
        exclude=[_answered, _not_from_requests],
        listeners=[_Shielded(listener) for listener in listeners],
        name=name,
        throw_new_error_on_trip=False,
    )
