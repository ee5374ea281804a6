"""Correct, built differently: recursion on the remaining attempts, a table of statuses."""

ACCEPTED = True

import random
import time
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime

import requests

TRANSIENT_STATUSES = frozenset([429, *range(500, 600)])


def is_transient(outcome):
    if isinstance(outcome, (requests.ConnectionError, requests.Timeout)):
        return True
    response = getattr(outcome, "response", None) if isinstance(outcome, requests.HTTPError) \
        else outcome
    return isinstance(response, requests.Response) and response.status_code in TRANSIENT_STATUSES


def _asked_delay(outcome, wall_clock):
    response = outcome.response if isinstance(outcome, requests.HTTPError) else outcome
    if not isinstance(response, requests.Response) or response.status_code not in (429, 503):
        return None
    text = response.headers.get("Retry-After")
    if text is None:
        return None
    text = text.strip()
    if text.isascii() and text.isdecimal():
        return int(text)
    try:
        moment = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if moment.tzinfo is None:  # an HTTP-date is always GMT
        moment = moment.replace(tzinfo=timezone.utc)
    now = datetime.fromtimestamp(wall_clock(), tz=timezone.utc)
    return max(0.0, (moment - now).total_seconds())


def _attempt(func, k, attempts, base_delay, max_delay, sleep, random, should_retry,
             wall_clock):
    try:
        value = func()
    except Exception as exc:
        if k + 1 < attempts and should_retry(exc):
            delay = _asked_delay(exc, wall_clock)
            if delay is None:
                delay = random() * min(max_delay, base_delay * 2 ** k)
            if delay <= max_delay:
                sleep(delay)
                return _attempt(func, k + 1, attempts, base_delay, max_delay, sleep, random,
                                should_retry, wall_clock)
        raise
    if k + 1 < attempts and should_retry(value):
        delay = _asked_delay(value, wall_clock)
        if delay is None:
            delay = random() * min(max_delay, base_delay * 2 ** k)
        if delay <= max_delay:
            sleep(delay)
            return _attempt(func, k + 1, attempts, base_delay, max_delay, sleep, random,
                            should_retry, wall_clock)
    return value


def retry(func, *, attempts=3, base_delay=0.1, max_delay=10.0, sleep=time.sleep,
          random=random.random, should_retry=is_transient, wall_clock=time.time):
    if attempts < 1:
        raise ValueError("attempts must be at least 1")
    if base_delay < 0 or max_delay < 0:
        raise ValueError("delays must be >= 0")
    return _attempt(func, 0, attempts, base_delay, max_delay, sleep, random, should_retry,
                    wall_clock)
