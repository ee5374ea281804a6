"""Lists the usual statuses (500, 502, 503, 504, 429) instead of every 5xx."""
from harness.derive import inherit

CAUGHT_BY = ["test_classifies_transient_failures"]
reference = inherit(globals(), __file__)


TRANSIENT_STATUSES = {429, 500, 502, 503, 504}


def _is_transient_status(status):
    return status in TRANSIENT_STATUSES


def is_transient(outcome):
    if isinstance(outcome, requests.Response):
        return _is_transient_status(outcome.status_code)
    if isinstance(outcome, requests.HTTPError):
        return outcome.response is not None and _is_transient_status(outcome.response.status_code)
    return isinstance(outcome, (requests.ConnectionError, requests.Timeout))
