"""Treats every HTTP error status as transient, so a 404 is retried."""
from harness.derive import inherit

CAUGHT_BY = ["test_does_not_retry_a_404", "test_classifies_permanent_failures"]
reference = inherit(globals(), __file__)


def is_transient(outcome):
    response = _response_of(outcome)
    if response is not None:
        return response.status_code >= 400  # 4xx too: "an error is an error"
    return reference.is_transient(outcome)


def retry(func, *, should_retry=is_transient, **settings):  # the default: this is_transient
    return reference.retry(func, should_retry=should_retry, **settings)
