"""Reads outcome.response.status_code without asking whether there is a response."""
from harness.derive import inherit

CAUGHT_BY = ["test_classifies_permanent_failures"]
reference = inherit(globals(), __file__)


def is_transient(outcome):
    if isinstance(outcome, requests.HTTPError):
        return _is_transient_status(outcome.response.status_code)  # None has no status_code
    return reference.is_transient(outcome)
