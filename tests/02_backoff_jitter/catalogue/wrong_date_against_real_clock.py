"""Reads a Retry-After date against the real time.time(), not the injected wall clock."""
from harness.derive import inherit

CAUGHT_BY = ["test_honours_retry_after_as_an_http_date"]
reference = inherit(globals(), __file__)


def retry(func, **settings):
    return reference.retry(func, **{**settings, "wall_clock": time.time})  # injected one unused
