"""wait_exponential_jitter: backoff plus up to base_delay of jitter (stamina's kind), not full jitter."""

import time

import tenacity
from harness.derive import inherit

CAUGHT_BY = ["test_waits_follow_full_jitter"]
reference = inherit(globals(), __file__)


def make_retrying(*, attempts=3, base_delay=0.1, max_delay=10.0, sleep=time.sleep,
                  wall_clock=time.time):
    _check_retry_settings(attempts, base_delay, max_delay)
    backoff = tenacity.wait_exponential_jitter(multiplier=base_delay, max=max_delay,
                                               jitter=base_delay)
    return tenacity.Retrying(
        retry=tenacity.retry_if_exception(is_transient) | tenacity.retry_if_result(is_transient),
        wait=RetryAfterOr(backoff, wall_clock=wall_clock),
        stop=tenacity.stop_after_attempt(attempts) | AskedToWaitLongerThan(max_delay),
        sleep=sleep,
        retry_error_callback=_last_outcome,
    )
