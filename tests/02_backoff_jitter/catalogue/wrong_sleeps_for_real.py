"""Waits with time.sleep instead of the injected sleep."""
from harness.derive import inherit

CAUGHT_BY = ["test_waits_through_the_injected_sleep"]
reference = inherit(globals(), __file__)


def retry(func, **settings):
    return reference.retry(func, **{**settings, "sleep": time.sleep})  # the injected one unused
