"""Honours Retry-After on any answer that carries one, a 500 or 502 too, not only on 429 and 503."""

import time

import tenacity
from harness.derive import inherit

CAUGHT_BY = ["test_retry_after_only_on_429_and_503"]
reference = inherit(globals(), __file__)


class AnyRetryAfter(tenacity.wait.wait_base):
    def __init__(self, fallback):
        self._fallback = fallback

    def __call__(self, retry_state):
        outcome = _outcome(retry_state)
        response = getattr(outcome, "response", outcome)
        header = getattr(response, "headers", {}).get("Retry-After", "")
        if header.isdigit():
            return float(header)
        return self._fallback(retry_state)


def make_retrying(*, attempts=3, base_delay=0.1, max_delay=10.0, sleep=time.sleep,
                  wall_clock=time.time):
    _check_retry_settings(attempts, base_delay, max_delay)
    full_jitter = tenacity.wait_random_exponential(multiplier=base_delay, max=max_delay)
    return tenacity.Retrying(
        retry=tenacity.retry_if_exception(is_transient) | tenacity.retry_if_result(is_transient),
        wait=AnyRetryAfter(full_jitter),
        stop=tenacity.stop_after_attempt(attempts) | AskedToWaitLongerThan(max_delay),
        sleep=sleep,
        retry_error_callback=_last_outcome,
    )
