"""Equal jitter: half the backoff fixed plus a random half (wait_exponential + wait_random_exponential, both halved), so a wait never comes near 0."""

import time

import tenacity
from harness.derive import inherit

CAUGHT_BY = ["test_waits_follow_full_jitter"]
reference = inherit(globals(), __file__)


def make_retrying(*, attempts=3, base_delay=0.1, max_delay=10.0, sleep=time.sleep,
                  wall_clock=time.time):
    _check_retry_settings(attempts, base_delay, max_delay)
    half = dict(multiplier=base_delay / 2, max=max_delay / 2)
    equal_jitter = tenacity.wait_exponential(**half) + tenacity.wait_random_exponential(**half)
    return tenacity.Retrying(
        retry=tenacity.retry_if_exception(is_transient) | tenacity.retry_if_result(is_transient),
        wait=RetryAfterOr(equal_jitter, wall_clock=wall_clock),
        stop=tenacity.stop_after_attempt(attempts) | AskedToWaitLongerThan(max_delay),
        sleep=sleep,
        retry_error_callback=_last_outcome,
    )
