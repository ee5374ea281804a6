"""Counts k over backoff waits only: a Retry-After wait does not move the exponent on."""
from harness.derive import inherit

CAUGHT_BY = ["test_backoff_counts_every_retry"]
reference = inherit(globals(), __file__)


def retry(func, *, attempts=3, base_delay=0.1, max_delay=10.0, sleep=time.sleep,
          random=random.random, should_retry=is_transient, wall_clock=time.time):
    _check_settings(attempts, base_delay, max_delay)
    backoffs = 0  # how many waits came from our own backoff
    for k in range(attempts):
        value, error = _call(func)
        outcome = error if error is not None else value
        wait = None
        if k < attempts - 1 and should_retry(outcome):
            asked = retry_after_seconds(outcome, wall_clock)
            if asked is not None:
                wait = asked if asked <= max_delay else None
            else:
                wait = full_jitter(backoffs, base_delay=base_delay, max_delay=max_delay,
                                   random=random)
                backoffs += 1
        if wait is None:
            if error is not None:
                raise error
            return value
        sleep(wait)
