"""Waits min(Retry-After, max_delay) instead of stopping when the server asks for more."""

import time

import tenacity
from harness.derive import inherit

CAUGHT_BY = ["test_stops_when_retry_after_exceeds_max_delay"]
reference = inherit(globals(), __file__)


class CappedRetryAfter(reference.RetryAfterOr):
    def __init__(self, fallback, *, wall_clock, cap):
        super().__init__(fallback, wall_clock=wall_clock)
        self._cap = cap

    def __call__(self, retry_state):
        return min(self._cap, super().__call__(retry_state))


def make_retrying(*, attempts=3, base_delay=0.1, max_delay=10.0, sleep=time.sleep,
                  wall_clock=time.time):
    _check_retry_settings(attempts, base_delay, max_delay)
    full_jitter = tenacity.wait_random_exponential(multiplier=base_delay, max=max_delay)
    return tenacity.Retrying(
        retry=tenacity.retry_if_exception(is_transient) | tenacity.retry_if_result(is_transient),
        wait=CappedRetryAfter(full_jitter, wall_clock=wall_clock, cap=max_delay),
        stop=tenacity.stop_after_attempt(attempts),
        sleep=sleep,
        retry_error_callback=_last_outcome,
    )
