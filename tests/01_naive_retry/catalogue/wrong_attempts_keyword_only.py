"""Makes `attempts` keyword-only, so retry(fetch_user, 2) is a TypeError."""
from harness.derive import inherit

CAUGHT_BY = ["test_attempts_defaults_to_three"]
reference = inherit(globals(), __file__)


def retry(func, *, attempts=3):
    return reference.retry(func, attempts)
