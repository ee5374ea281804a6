"""Also calls Python's own ConnectionError and TimeoutError transient, which are not requests'."""
from harness.derive import inherit

CAUGHT_BY = ["test_classifies_permanent_failures"]
reference = inherit(globals(), __file__)


def is_transient(outcome):
    return isinstance(outcome, (ConnectionError, TimeoutError)) or reference.is_transient(outcome)


def retry(func, *, should_retry=is_transient, **settings):  # the default: this is_transient
    return reference.retry(func, should_retry=should_retry, **settings)
