"""Lists ReadTimeout rather than requests.Timeout: a plain Timeout is not judged transient."""
from harness.derive import inherit

CAUGHT_BY = ["test_classifies_transient_failures"]
reference = inherit(globals(), __file__)


def is_transient(outcome):
    if isinstance(outcome, requests.Timeout) and not isinstance(
            outcome, (requests.ReadTimeout, requests.ConnectTimeout)):
        return False  # ConnectTimeout is a ConnectionError; ReadTimeout is listed; Timeout is not
    return reference.is_transient(outcome)


def retry(func, *, should_retry=is_transient, **settings):  # the default: this is_transient
    return reference.retry(func, should_retry=should_retry, **settings)
