"""Reads Retry-After as a number of seconds only: an HTTP-date falls back to full jitter."""

import time

import tenacity
from harness.derive import inherit

CAUGHT_BY = ["test_honours_retry_after_as_an_http_date"]
reference = inherit(globals(), __file__)


class SecondsOnly(tenacity.wait.wait_base):
    def __init__(self, fallback):
        self._fallback = fallback

    def __call__(self, retry_state):
        response = _response_of(_outcome(retry_state))
        if response is not None and response.status_code in RETRY_AFTER_STATUSES:
            try:
                return float(response.headers.get("Retry-After", ""))
            except ValueError:
                pass
        return self._fallback(retry_state)


def make_retrying(*, attempts=3, base_delay=0.1, max_delay=10.0, sleep=time.sleep,
                  wall_clock=time.time):
    _check_retry_settings(attempts, base_delay, max_delay)
    full_jitter = tenacity.wait_random_exponential(multiplier=base_delay, max=max_delay)
    return tenacity.Retrying(
        retry=tenacity.retry_if_exception(is_transient) | tenacity.retry_if_result(is_transient),
        wait=SecondsOnly(full_jitter),
        stop=tenacity.stop_after_attempt(attempts) | AskedToWaitLongerThan(max_delay),
        sleep=sleep,
        retry_error_callback=_last_outcome,
    )
