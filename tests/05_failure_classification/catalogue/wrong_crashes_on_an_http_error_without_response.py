"""Reads error.response.status_code without looking: an HTTPError with no response crashes the verdict."""
import requests

from harness.derive import inherit

CAUGHT_BY = ["test_default_failure_rules"]
reference = inherit(globals(), __file__)


def is_failure_by_default(error):
    if isinstance(error, requests.HTTPError):
        return error.response.status_code >= 500  # the mistake: the response may be None
    return isinstance(error, (requests.ConnectionError, requests.Timeout))
