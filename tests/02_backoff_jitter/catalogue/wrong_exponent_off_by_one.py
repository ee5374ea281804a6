"""The first wait already doubles: base_delay * 2**(k + 1)."""

CAUGHT_BY = ["test_waits_follow_full_jitter"]

import random as _random
import time
from email.utils import parsedate_to_datetime

import requests


def is_transient(outcome):
    if isinstance(outcome, requests.HTTPError):
        outcome = outcome.response
        if outcome is None:
            return False
    if isinstance(outcome, requests.Response):
        return outcome.status_code == 429 or 500 <= outcome.status_code < 600
    return isinstance(outcome, (requests.ConnectionError, requests.Timeout))


def _retry_after(outcome, wall_clock):
    response = outcome.response if isinstance(outcome, requests.HTTPError) else outcome
    if not isinstance(response, requests.Response) or response.status_code not in (429, 503):
        return None
    value = response.headers.get("Retry-After")
    if value is None:
        return None
    if value.strip().isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - wall_clock())


def retry(func, *, attempts=3, base_delay=0.1, max_delay=10.0, sleep=time.sleep,
          random=_random.random, should_retry=is_transient, wall_clock=time.time):
    if attempts < 1 or base_delay < 0 or max_delay < 0:
        raise ValueError("attempts must be >= 1 and delays >= 0")
    for k in range(attempts):
        try:
            result, failure = func(), None
        except Exception as exc:
            result, failure = exc, exc
        if k == attempts - 1 or not should_retry(result):
            break
        wait = _retry_after(result, wall_clock)
        if wait is None:
            wait = random() * min(max_delay, base_delay * 2 ** (k + 1))
        elif wait > max_delay:
            break
        sleep(wait)
    if failure is not None:
        raise failure
    return result
