"""Retries only requests' errors: a ValueError or KeyError from the function is not retried."""
import requests

from harness.derive import inherit

CAUGHT_BY = ["test_any_exception_is_a_failure_to_retry"]
reference = inherit(globals(), __file__)


def retry(func, attempts=3):
    if attempts < 1:
        raise ValueError(attempts)
    for _ in range(attempts - 1):
        try:
            return func()
        except requests.RequestException:  # lesson 2's question, asked too early
            continue
    return func()
