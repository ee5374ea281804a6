"""Raises the final outcome whenever it is an exception object, even one func returned."""
from harness.derive import inherit

CAUGHT_BY = ["test_returned_responses_are_judged_too"]
reference = inherit(globals(), __file__)


def retry(func, *, attempts=3, base_delay=0.1, max_delay=10.0, sleep=time.sleep,
          random=random.random, should_retry=is_transient, wall_clock=time.time):
    _check_settings(attempts, base_delay, max_delay)
    for k in range(attempts):
        value, error = _call(func)
        outcome = error if error is not None else value
        wait = None
        if k < attempts - 1 and should_retry(outcome):
            wait = _wait_before_retry(outcome, k, base_delay, max_delay, random, wall_clock)
        if wait is None:
            if isinstance(outcome, Exception):  # a returned exception object too
                raise outcome
            return outcome
        sleep(wait)
