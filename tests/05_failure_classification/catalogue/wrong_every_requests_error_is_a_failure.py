"""Counts every requests error but a 4xx as a failure (`isinstance(error, requests.RequestException)`): TooManyRedirects too."""
import requests

from harness.derive import inherit

CAUGHT_BY = ["test_default_failure_rules"]
reference = inherit(globals(), __file__)


def is_failure_by_default(error):
    if isinstance(error, requests.HTTPError):
        return error.response is not None and error.response.status_code >= 500
    return isinstance(error, requests.RequestException)  # the mistake: too wide
