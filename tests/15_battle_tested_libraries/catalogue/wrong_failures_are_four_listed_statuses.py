"""Counts 500, 502, 503 and 504 as failures and excludes every other HTTPError: a 501 or a 599 passes for an answer."""

import requests
from harness.derive import inherit

CAUGHT_BY = ["test_service_failures_are_failures"]
reference = inherit(globals(), __file__)


def _is_an_answer(error):
    if isinstance(error, requests.HTTPError):
        return error.response.status_code not in (500, 502, 503, 504)
    return reference._is_an_answer(error)


def make_breaker(name, *, failure_threshold=5, recovery_timeout=30.0, success_threshold=2,
                 listeners=()):
    breaker = reference.make_breaker(name, failure_threshold=failure_threshold,
                                     recovery_timeout=recovery_timeout,
                                     success_threshold=success_threshold, listeners=listeners)
    breaker.remove_excluded_exception(reference._is_an_answer)
    breaker.add_excluded_exception(_is_an_answer)
    return breaker
