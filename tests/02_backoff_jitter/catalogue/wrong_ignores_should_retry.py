"""Accepts should_retry but always asks is_transient instead."""
from harness.derive import inherit

CAUGHT_BY = ["test_should_retry_decides_what_is_retried"]
reference = inherit(globals(), __file__)


def retry(func, *, attempts=3, base_delay=0.1, max_delay=10.0, sleep=time.sleep,
          random=random.random, should_retry=is_transient, wall_clock=time.time):
    return reference.retry(func, attempts=attempts, base_delay=base_delay,
                           max_delay=max_delay, sleep=sleep, random=random,
                           should_retry=is_transient, wall_clock=wall_clock)
