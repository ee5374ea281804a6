"""Tests `if error.response:`, but an error Response is falsy: 5xx HTTPErrors are not retried."""
from harness.derive import inherit

CAUGHT_BY = ["test_classifies_transient_failures", "test_retries_transient_failures_until_success"]
reference = inherit(globals(), __file__)


def is_transient(outcome):
    if isinstance(outcome, requests.HTTPError):
        if not outcome.response:  # a Response is falsy when its status is 400 or above
            return False
        outcome = outcome.response
    return reference.is_transient(outcome)


def retry(func, *, should_retry=is_transient, **settings):  # the default: this is_transient
    return reference.retry(func, should_retry=should_retry, **settings)
