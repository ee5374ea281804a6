"""Sleeps after every failure, the last one included."""
from harness.derive import inherit

CAUGHT_BY = ["test_waits_exactly_attempts_minus_one_times", "test_waits_follow_full_jitter"]
reference = inherit(globals(), __file__)


def retry(func, *, attempts=3, base_delay=0.1, max_delay=10.0, sleep=time.sleep,
          random=random.random, should_retry=is_transient, wall_clock=time.time):
    _check_settings(attempts, base_delay, max_delay)
    for k in range(attempts):
        value, error = _call(func)
        outcome = error if error is not None else value
        wait = None
        if should_retry(outcome):  # attempts left or not
            wait = _wait_before_retry(outcome, k, base_delay, max_delay, random, wall_clock)
        if wait is not None:
            sleep(wait)
        if wait is None or k == attempts - 1:
            if error is not None:
                raise error
            return value
