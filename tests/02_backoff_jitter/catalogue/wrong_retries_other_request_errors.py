"""Retries every requests exception except malformed JSON: TooManyRedirects and InvalidURL too."""
from harness.derive import inherit

CAUGHT_BY = ["test_classifies_permanent_failures"]
reference = inherit(globals(), __file__)


def is_transient(outcome):
    if isinstance(outcome, (requests.HTTPError, requests.JSONDecodeError)):
        return reference.is_transient(outcome)
    return isinstance(outcome, requests.RequestException) or reference.is_transient(outcome)


def retry(func, *, should_retry=is_transient, **settings):  # the default: this is_transient
    return reference.retry(func, should_retry=should_retry, **settings)
