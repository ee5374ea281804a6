"""Retries the statuses of the usual urllib3 `status_forcelist` (429, 500, 502, 503, 504) only: a 501 or a 599 is a 5xx too."""

import time

import requests
import tenacity
from harness.derive import inherit

CAUGHT_BY = ["test_retries_transient_failures_until_success"]
reference = inherit(globals(), __file__)

STATUS_FORCELIST = frozenset({429, 500, 502, 503, 504})


def is_listed(outcome):
    response = _response_of(outcome)
    if response is not None:
        return response.status_code in STATUS_FORCELIST
    return isinstance(outcome, (requests.ConnectionError, requests.Timeout))


def make_retrying(*, attempts=3, base_delay=0.1, max_delay=10.0, sleep=time.sleep,
                  wall_clock=time.time):
    _check_retry_settings(attempts, base_delay, max_delay)
    full_jitter = tenacity.wait_random_exponential(multiplier=base_delay, max=max_delay)
    return tenacity.Retrying(
        retry=tenacity.retry_if_exception(is_listed) | tenacity.retry_if_result(is_listed),
        wait=RetryAfterOr(full_jitter, wall_clock=wall_clock),
        stop=tenacity.stop_after_attempt(attempts) | AskedToWaitLongerThan(max_delay),
        sleep=sleep,
        retry_error_callback=_last_outcome,
    )
