"""Capped exponential backoff without jitter: ignores the random source.

Every wait is the whole ceiling, min(max_delay, base_delay * 2**k), as if random() said 1.0.
"""
from harness.derive import inherit

CAUGHT_BY = ["test_waits_follow_full_jitter", "test_full_jitter_beats_no_jitter_under_contention"]
reference = inherit(globals(), __file__)


def retry(func, **settings):
    return reference.retry(func, **{**settings, "random": lambda: 1.0})
