"""Excludes HTTPErrors with a status below 499: a 499 (the client went away) counts as a failure of the service."""

import requests
from harness.derive import inherit

CAUGHT_BY = ["test_answers_are_not_failures"]
reference = inherit(globals(), __file__)


def _is_an_answer(error):
    if isinstance(error, requests.HTTPError):
        return error.response.status_code < 499
    return reference._is_an_answer(error)


def make_breaker(name, *, failure_threshold=5, recovery_timeout=30.0, success_threshold=2,
                 listeners=()):
    breaker = reference.make_breaker(name, failure_threshold=failure_threshold,
                                     recovery_timeout=recovery_timeout,
                                     success_threshold=success_threshold, listeners=listeners)
    breaker.remove_excluded_exception(reference._is_an_answer)
    breaker.add_excluded_exception(_is_an_answer)
    return breaker
