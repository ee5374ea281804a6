"""Reads Retry-After with tenacity's wait_exception, which raises RuntimeError on a returned Response."""

import time

import tenacity
from harness.derive import inherit

CAUGHT_BY = ["test_returned_responses_are_judged_too"]
reference = inherit(globals(), __file__)


class RetryAfterOrJitter(tenacity.wait_exception):
    """The server's Retry-After, read by tenacity's wait_exception; else full jitter."""

    def __init__(self, full_jitter, wall_clock):
        super().__init__(lambda error: retry_after_seconds(error, wall_clock))
        self._full_jitter = full_jitter

    def __call__(self, retry_state):
        asked = super().__call__(retry_state)
        return asked if asked is not None else self._full_jitter(retry_state)


def make_retrying(*, attempts=3, base_delay=0.1, max_delay=10.0, sleep=time.sleep,
                  wall_clock=time.time):
    _check_retry_settings(attempts, base_delay, max_delay)
    full_jitter = tenacity.wait_random_exponential(multiplier=base_delay, max=max_delay)
    return tenacity.Retrying(
        retry=tenacity.retry_if_exception(is_transient) | tenacity.retry_if_result(is_transient),
        wait=RetryAfterOrJitter(full_jitter, wall_clock),
        stop=tenacity.stop_after_attempt(attempts) | AskedToWaitLongerThan(max_delay),
        sleep=sleep,
        retry_error_callback=_last_outcome,
    )
