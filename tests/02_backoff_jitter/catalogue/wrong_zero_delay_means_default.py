"""Replaces a delay of 0 with the default (`base_delay or 0.1`), so 0 is never 0."""
from harness.derive import inherit

CAUGHT_BY = ["test_zero_delays_are_valid"]
reference = inherit(globals(), __file__)


def retry(func, *, attempts=3, base_delay=0.1, max_delay=10.0, **settings):
    return reference.retry(func, attempts=attempts, base_delay=base_delay or 0.1,
                           max_delay=max_delay or 10.0, **settings)
