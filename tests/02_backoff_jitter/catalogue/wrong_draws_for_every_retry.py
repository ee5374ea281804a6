"""Draws random() before every retry, also those whose wait comes from Retry-After (or that
stop on it): the draws no longer follow the full-jitter waits."""
from harness.derive import inherit

CAUGHT_BY = ["test_honours_retry_after_in_seconds", "test_backoff_counts_every_retry",
             "test_stops_when_retry_after_exceeds_max_delay"]
reference = inherit(globals(), __file__)


def _wait_before_retry(outcome, k, base_delay, max_delay, random, wall_clock):
    jittered = full_jitter(k, base_delay=base_delay, max_delay=max_delay, random=random)
    asked = retry_after_seconds(outcome, wall_clock)
    if asked is not None:
        return asked if asked <= max_delay else None
    return jittered


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
