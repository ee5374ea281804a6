"""Tests delay-seconds with str.isdigit(): "²" passes, int() refuses it, and the retry crashes."""
from harness.derive import inherit

CAUGHT_BY = ["test_unreadable_retry_after_falls_back_to_backoff"]
reference = inherit(globals(), __file__)


def retry_after_seconds(outcome, wall_clock):
    response = _response_of(outcome)
    if response is None or response.status_code not in RETRY_AFTER_STATUSES:
        return None
    value = response.headers.get("Retry-After")
    if value is None:
        return None
    value = value.strip()
    if value.isdigit():  # True for "²" too, which int() refuses
        return float(int(value))
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return max(0.0, moment.timestamp() - wall_clock())

# The reference's callers, unchanged, so that they call the retry_after_seconds above.
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
