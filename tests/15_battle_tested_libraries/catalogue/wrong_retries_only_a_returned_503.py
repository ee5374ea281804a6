"""Judges a returned Response by `status_code == 503` only: a returned 500, 502 or 504 is handed back at once."""

import time

import tenacity
from harness.derive import inherit

CAUGHT_BY = ["test_returned_responses_are_judged_too"]
reference = inherit(globals(), __file__)


def make_retrying(*, attempts=3, base_delay=0.1, max_delay=10.0, sleep=time.sleep,
                  wall_clock=time.time):
    _check_retry_settings(attempts, base_delay, max_delay)
    full_jitter = tenacity.wait_random_exponential(multiplier=base_delay, max=max_delay)
    return tenacity.Retrying(
        retry=(tenacity.retry_if_exception(is_transient)
               | tenacity.retry_if_result(lambda response: response.status_code in (429, 503))),
        wait=RetryAfterOr(full_jitter, wall_clock=wall_clock),
        stop=tenacity.stop_after_attempt(attempts) | AskedToWaitLongerThan(max_delay),
        sleep=sleep,
        retry_error_callback=_last_outcome,
    )
