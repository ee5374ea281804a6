"""The default number of attempts is 5, not the 3 the README gives."""
from harness.derive import inherit

CAUGHT_BY = ["test_attempts_defaults_to_three"]
reference = inherit(globals(), __file__)


def retry(func, attempts=5):
    return reference.retry(func, attempts)
