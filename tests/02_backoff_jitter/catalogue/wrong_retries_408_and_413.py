"""Also retries 408 and 413 (as some libraries do): the README says 5xx and 429 only."""
from harness.derive import inherit

CAUGHT_BY = ["test_classifies_permanent_failures"]
reference = inherit(globals(), __file__)


def is_transient(outcome):
    response = outcome.response if isinstance(outcome, requests.HTTPError) else outcome
    if isinstance(response, requests.Response) and response.status_code in (408, 413):
        return True
    return reference.is_transient(outcome)
