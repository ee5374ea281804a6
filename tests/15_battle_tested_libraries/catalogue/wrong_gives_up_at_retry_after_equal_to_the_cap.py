"""Gives up when Retry-After equals max_delay (>=), though waiting exactly max_delay is allowed."""

import time

import tenacity
from harness.derive import inherit

CAUGHT_BY = ["test_honours_retry_after_in_seconds"]
reference = inherit(globals(), __file__)


class AtOrAbove(reference.AskedToWaitLongerThan):
    def __call__(self, retry_state):
        return retry_state.upcoming_sleep >= self._max_delay


def make_retrying(*, attempts=3, base_delay=0.1, max_delay=10.0, sleep=time.sleep,
                  wall_clock=time.time):
    _check_retry_settings(attempts, base_delay, max_delay)
    full_jitter = tenacity.wait_random_exponential(multiplier=base_delay, max=max_delay)
    return tenacity.Retrying(
        retry=tenacity.retry_if_exception(is_transient) | tenacity.retry_if_result(is_transient),
        wait=RetryAfterOr(full_jitter, wall_clock=wall_clock),
        stop=tenacity.stop_after_attempt(attempts) | AtOrAbove(max_delay),
        sleep=sleep,
        retry_error_callback=_last_outcome,
    )
