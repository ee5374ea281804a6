"""The first wait already doubles: base_delay * 2**(k + 1).

It numbers the retries from 1, so the wait before the first retry is full_jitter(1).
"""
from harness.derive import inherit

CAUGHT_BY = ["test_waits_follow_full_jitter"]
reference = inherit(globals(), __file__)


def retry(func, *, attempts=3, base_delay=0.1, max_delay=10.0, sleep=time.sleep,
          random=random.random, should_retry=is_transient, wall_clock=time.time):
    _check_settings(attempts, base_delay, max_delay)
    for k in range(attempts):
        value, error = _call(func)
        outcome = error if error is not None else value
        wait = None
        if k < attempts - 1 and should_retry(outcome):
            retry_number = k + 1
            wait = _wait_before_retry(outcome, retry_number, base_delay, max_delay, random,
                                      wall_clock)
        if wait is None:
            if error is not None:
                raise error
            return value
        sleep(wait)
