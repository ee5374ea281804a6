"""wait_combine(Retry-After, full jitter): tenacity's `+` adds the two, so a server's Retry-After gets jitter on top instead of being honoured."""

import time

import tenacity
from harness.derive import inherit

CAUGHT_BY = ["test_honours_retry_after_in_seconds"]
reference = inherit(globals(), __file__)


def make_retrying(*, attempts=3, base_delay=0.1, max_delay=10.0, sleep=time.sleep,
                  wall_clock=time.time):
    _check_retry_settings(attempts, base_delay, max_delay)
    full_jitter = tenacity.wait_random_exponential(multiplier=base_delay, max=max_delay)
    return tenacity.Retrying(
        retry=tenacity.retry_if_exception(is_transient) | tenacity.retry_if_result(is_transient),
        wait=RetryAfterOr(tenacity.wait_none(), wall_clock=wall_clock) + full_jitter,
        stop=tenacity.stop_after_attempt(attempts) | AskedToWaitLongerThan(max_delay),
        sleep=sleep,
        retry_error_callback=_last_outcome,
    )
