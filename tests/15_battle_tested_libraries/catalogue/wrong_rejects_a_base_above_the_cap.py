"""Rejects base_delay > max_delay with ValueError, a setting the README allows (every wait is then capped)."""

import time

from harness.derive import inherit

CAUGHT_BY = ["test_waits_are_capped_by_max_delay"]
reference = inherit(globals(), __file__)


def make_retrying(*, attempts=3, base_delay=0.1, max_delay=10.0, sleep=time.sleep,
                  wall_clock=time.time):
    if base_delay > max_delay:
        raise ValueError(f"base_delay {base_delay} is above max_delay {max_delay}")
    return reference.make_retrying(attempts=attempts, base_delay=base_delay,
                                   max_delay=max_delay, sleep=sleep, wall_clock=wall_clock)
