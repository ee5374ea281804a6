"""Adds stop_after_delay(60) as a safety net: a service that answers slowly loses attempts (tenacity's monotonic clock, not attempts, decides)."""

import time

import tenacity
from harness.derive import inherit

CAUGHT_BY = ["test_makes_exactly_attempts_calls"]
reference = inherit(globals(), __file__)


def make_retrying(*, attempts=3, base_delay=0.1, max_delay=10.0, sleep=time.sleep,
                  wall_clock=time.time):
    retrying = reference.make_retrying(attempts=attempts, base_delay=base_delay,
                                       max_delay=max_delay, sleep=sleep, wall_clock=wall_clock)
    return retrying.copy(stop=retrying.stop | tenacity.stop_after_delay(60))
