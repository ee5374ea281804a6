"""Raises the first failure's error when every attempt failed, not the last one's."""
from harness.derive import inherit

CAUGHT_BY = ["test_gives_up_with_the_last_error_unchanged"]
reference = inherit(globals(), __file__)


def retry(func, *, attempts=3, base_delay=0.1, max_delay=10.0, sleep=time.sleep,
          random=random.random, should_retry=is_transient, wall_clock=time.time):
    _check_settings(attempts, base_delay, max_delay)
    first = None
    for k in range(attempts):
        value, error = _call(func)
        first = first or error
        outcome = error if error is not None else value
        wait = None
        if k < attempts - 1 and should_retry(outcome):
            wait = _wait_before_retry(outcome, k, base_delay, max_delay, random, wall_clock)
        if wait is None:
            if error is not None:
                raise first  # the first failure "explains" the others
            return value
        sleep(wait)
