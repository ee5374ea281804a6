"""`headers.get('Retry-After', 1)` on a 429 (tenacity's wait_exception example): a 429 that names no delay waits 1 s instead of full jitter."""

import time

import tenacity
from harness.derive import inherit

CAUGHT_BY = ["test_retry_after_only_on_429_and_503"]
reference = inherit(globals(), __file__)


def retry_after_seconds(outcome, wall_clock):
    response = _response_of(outcome)
    if response is not None and response.status_code == 429:
        if "Retry-After" not in response.headers:
            return 1.0
    return reference.retry_after_seconds(outcome, wall_clock)


class RetryAfterOr(reference.RetryAfterOr):
    def __call__(self, retry_state):
        asked = retry_after_seconds(_outcome(retry_state), self._wall_clock)
        return asked if asked is not None else self._fallback(retry_state)


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
