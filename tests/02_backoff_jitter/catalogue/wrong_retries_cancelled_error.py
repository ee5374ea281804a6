"""Lets exactly KeyboardInterrupt and SystemExit through and hands every other BaseException
to should_retry, asyncio's CancelledError included."""
from harness.derive import inherit

CAUGHT_BY = ["test_ctrl_c_is_never_retried"]
reference = inherit(globals(), __file__)


def _call(func):
    try:
        return func(), None
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as error:
        return None, error


# The reference's caller, unchanged, so that it calls the _call above.
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
            if error is not None:
                raise error
            return value
        sleep(wait)
