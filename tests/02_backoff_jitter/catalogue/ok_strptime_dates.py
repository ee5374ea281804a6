"""Correct, built differently: recursion over k, HTTP-dates read with strptime, no sleep(0)."""

import random as _random
import time
from datetime import datetime, timezone

import requests

ACCEPTED = True

_FORMATS = ("%a, %d %b %Y %H:%M:%S GMT", "%A, %d-%b-%y %H:%M:%S GMT", "%a %b %d %H:%M:%S %Y",
            "%a, %d %b %Y %H:%M:%S")


def _status(outcome):
    if isinstance(outcome, requests.Response):
        return outcome.status_code
    if isinstance(outcome, requests.HTTPError) and outcome.response is not None:
        return outcome.response.status_code
    return None


def is_transient(outcome):
    status = _status(outcome)
    if status is not None:
        return status == 429 or 500 <= status < 600
    if isinstance(outcome, requests.HTTPError):
        return False
    return isinstance(outcome, requests.ConnectionError) or isinstance(outcome, requests.Timeout)


def _asked(outcome, wall_clock):
    if _status(outcome) not in (429, 503):
        return None
    resp = outcome if isinstance(outcome, requests.Response) else outcome.response
    header = resp.headers.get("Retry-After")
    if header is None:
        return None
    header = header.strip()
    if header.isascii() and header.isdigit():
        return int(header)
    for fmt in _FORMATS:
        try:
            moment = datetime.strptime(header, fmt).replace(tzinfo=timezone.utc)
        except ValueError:
            continue
        return max(0.0, moment.timestamp() - wall_clock())
    return None


def _go(func, k, attempts, base, cap, sleep, rnd, should_retry, wall):
    try:
        outcome, failed = func(), False
    except Exception as e:
        outcome, failed = e, True

    def give():
        if failed:
            raise outcome
        return outcome

    if k + 1 >= attempts or not should_retry(outcome):
        return give()
    asked = _asked(outcome, wall)
    if asked is None:
        wait = rnd() * min(cap, base * 2 ** k)
    elif asked > cap:
        return give()
    else:
        wait = asked
    if wait > 0:
        sleep(wait)
    return _go(func, k + 1, attempts, base, cap, sleep, rnd, should_retry, wall)


def retry(func, *, attempts=3, base_delay=0.1, max_delay=10.0, sleep=time.sleep,
          random=_random.random, should_retry=is_transient, wall_clock=time.time):
    if attempts < 1 or min(base_delay, max_delay) < 0:
        raise ValueError("invalid settings")
    return _go(func, 0, attempts, base_delay, max_delay, sleep, random, should_retry, wall_clock)
