"""Tests `if asked:`, so Retry-After: 0 counts as no header and gets a full-jitter wait."""
from harness.derive import inherit

CAUGHT_BY = ["test_honours_retry_after_at_its_edges"]
reference = inherit(globals(), __file__)


def _wait_before_retry(outcome, k, base_delay, max_delay, random, wall_clock):
    asked = retry_after_seconds(outcome, wall_clock)
    if asked:  # 0 is falsy: "retry now" read as "the server said nothing"
        return asked if asked <= max_delay else None
    return full_jitter(k, base_delay=base_delay, max_delay=max_delay, random=random)


# The reference's caller, unchanged, so that it calls the _wait_before_retry above.
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
