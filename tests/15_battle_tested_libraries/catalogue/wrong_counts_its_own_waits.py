"""A full-jitter wait that counts retries in its own attribute, never reset: the second call through the same retrying starts where the first left off."""

import time

import tenacity
from harness.derive import inherit

CAUGHT_BY = ["test_waits_follow_full_jitter"]
reference = inherit(globals(), __file__)


class CountingFullJitter(tenacity.wait.wait_base):
    def __init__(self, base_delay, max_delay):
        self.base_delay, self.max_delay, self.retries = base_delay, max_delay, 0

    def __call__(self, retry_state):
        ceiling = min(self.max_delay, self.base_delay * 2 ** self.retries)
        self.retries += 1
        return tenacity.wait.random.uniform(0, ceiling)


def make_retrying(*, attempts=3, base_delay=0.1, max_delay=10.0, sleep=time.sleep,
                  wall_clock=time.time):
    _check_retry_settings(attempts, base_delay, max_delay)
    return tenacity.Retrying(
        retry=tenacity.retry_if_exception(is_transient) | tenacity.retry_if_result(is_transient),
        wait=RetryAfterOr(CountingFullJitter(base_delay, max_delay), wall_clock=wall_clock),
        stop=tenacity.stop_after_attempt(attempts) | AskedToWaitLongerThan(max_delay),
        sleep=sleep,
        retry_error_callback=_last_outcome,
    )
