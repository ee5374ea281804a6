"""Treats every requests exception as transient, so malformed JSON is retried."""
from harness.derive import inherit

CAUGHT_BY = ["test_does_not_retry_malformed_json_or_bugs", "test_classifies_permanent_failures"]
reference = inherit(globals(), __file__)


def is_transient(outcome):
    if isinstance(outcome, requests.HTTPError):
        return reference.is_transient(outcome)
    # requests' JSONDecodeError is a RequestException too
    return isinstance(outcome, requests.RequestException) or reference.is_transient(outcome)


def retry(func, *, should_retry=is_transient, **settings):  # the default: this is_transient
    return reference.retry(func, should_retry=should_retry, **settings)
