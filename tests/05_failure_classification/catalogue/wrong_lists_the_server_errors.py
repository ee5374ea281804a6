"""Knows only the server errors it has met (500, 502, 503, 504): a 501, 505 or 599 is no failure."""
import requests

from harness.derive import inherit

CAUGHT_BY = ["test_default_failure_rules"]
reference = inherit(globals(), __file__)

_KNOWN = (500, 502, 503, 504)  # the mistake: a list where the rule is "5xx"


def is_failure_by_default(error):
    if isinstance(error, requests.HTTPError):
        return error.response is not None and error.response.status_code in _KNOWN
    return isinstance(error, (requests.ConnectionError, requests.Timeout))


def is_failure_result_by_default(result):
    return isinstance(result, requests.Response) and result.status_code in _KNOWN


class CircuitBreaker(reference.CircuitBreaker):
    def __init__(self, *args, is_failure=is_failure_by_default,
                 is_failure_result=is_failure_result_by_default, **kwargs):
        super().__init__(*args, is_failure=is_failure, is_failure_result=is_failure_result,
                         **kwargs)
