"""Defaults to base_delay=1 (another library's habit), not the README's 0.1."""
from harness.derive import inherit

CAUGHT_BY = ["test_defaults_are_the_readmes"]
reference = inherit(globals(), __file__)


def retry(func, *, attempts=3, base_delay=1.0, max_delay=10.0, **settings):
    return reference.retry(func, attempts=attempts, base_delay=base_delay,
                           max_delay=max_delay, **settings)
