"""`retry_after or jitter`: a Retry-After of 0 (or a date already past) is falsy, so it waits full jitter instead of not at all."""

import time

import tenacity
from harness.derive import inherit

CAUGHT_BY = ["test_honours_retry_after_as_an_http_date"]
reference = inherit(globals(), __file__)


class RetryAfterOr(reference.RetryAfterOr):
    def __call__(self, retry_state):
        asked = retry_after_seconds(_outcome(retry_state), self._wall_clock)
        return asked or self._fallback(retry_state)


def make_retrying(*, attempts=3, base_delay=0.1, max_delay=10.0, sleep=time.sleep,
                  wall_clock=time.time):
    _check_retry_settings(attempts, base_delay, max_delay)
    full_jitter = tenacity.wait_random_exponential(multiplier=base_delay, max=max_delay)
    return tenacity.Retrying(
        retry=tenacity.retry_if_exception(is_transient) | tenacity.retry_if_result(is_transient),
        wait=RetryAfterOr(full_jitter, wall_clock=wall_clock),
        stop=tenacity.stop_after_attempt(attempts) | AskedToWaitLongerThan(max_delay),
        sleep=sleep,
        retry_error_callback=_last_outcome,
    )
