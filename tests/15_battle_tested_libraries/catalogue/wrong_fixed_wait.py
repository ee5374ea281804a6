"""Waits a fixed base_delay between attempts: no backoff, no jitter."""

import time

import tenacity
from harness.derive import inherit

CAUGHT_BY = ["test_waits_follow_full_jitter", "test_waits_are_capped_by_max_delay"]
reference = inherit(globals(), __file__)


def make_retrying(*, attempts=3, base_delay=0.1, max_delay=10.0, sleep=time.sleep,
                  wall_clock=time.time):
    _check_retry_settings(attempts, base_delay, max_delay)
    return tenacity.Retrying(
        retry=tenacity.retry_if_exception(is_transient) | tenacity.retry_if_result(is_transient),
        wait=RetryAfterOr(tenacity.wait_fixed(base_delay), wall_clock=wall_clock),
        stop=tenacity.stop_after_attempt(attempts) | AskedToWaitLongerThan(max_delay),
        sleep=sleep,
        retry_error_callback=_last_outcome,
    )
