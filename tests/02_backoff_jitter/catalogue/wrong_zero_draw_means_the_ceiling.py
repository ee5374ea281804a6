"""Writes the jitter as `random() * ceiling or ceiling`: a draw of 0.0 waits the whole ceiling."""
from harness.derive import inherit

CAUGHT_BY = ["test_waits_follow_full_jitter"]
reference = inherit(globals(), __file__)


def full_jitter(k, *, base_delay, max_delay, random):
    ceiling = min(max_delay, base_delay * 2 ** k)
    return random() * ceiling or ceiling  # 0.0 is falsy


# The reference's callers, unchanged, so that they call the full_jitter above.
def _wait_before_retry(outcome, k, base_delay, max_delay, random, wall_clock):
    asked = retry_after_seconds(outcome, wall_clock)
    if asked is not None:
        return asked if asked <= max_delay else None
    return full_jitter(k, base_delay=base_delay, max_delay=max_delay, random=random)


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
