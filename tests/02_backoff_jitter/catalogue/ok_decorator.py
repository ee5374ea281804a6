"""Correct, built differently: a decorator factory, a generator of ceilings, parsedate_tz."""

ACCEPTED = True

import functools
import random as random_module
import time
from email.utils import mktime_tz, parsedate_tz

import requests

TRANSIENT_ERRORS = (requests.ConnectionError, requests.Timeout)
SERVER_SAYS_WAIT = {429, 503}


def _status(outcome):
    if isinstance(outcome, requests.Response):
        return outcome.status_code
    if isinstance(outcome, requests.HTTPError) and outcome.response is not None:
        return outcome.response.status_code
    return None


def is_transient(outcome):
    status = _status(outcome)
    if status is not None:
        return status == 429 or status // 100 == 5
    return isinstance(outcome, TRANSIENT_ERRORS)


def _server_wait(outcome, wall_clock):
    if _status(outcome) not in SERVER_SAYS_WAIT:
        return None
    response = outcome if isinstance(outcome, requests.Response) else outcome.response
    header = response.headers.get("retry-after", "").strip()
    if not header:
        return None
    if header.isascii() and header.isdigit():
        return float(header)
    parsed = parsedate_tz(header)
    if parsed is None:
        return None
    if parsed[9] is None:  # no zone: an HTTP-date is GMT (mktime_tz would take local time)
        parsed = parsed[:9] + (0,)
    return max(0.0, mktime_tz(parsed) - wall_clock())


def _ceilings(base_delay, max_delay):
    ceiling = base_delay
    while True:
        yield min(ceiling, max_delay)
        ceiling *= 2


class _Failed(Exception):
    def __init__(self, outcome, raised):
        self.outcome, self.raised = outcome, raised


def retrying(*, attempts=3, base_delay=0.1, max_delay=10.0, sleep=time.sleep,
             random=random_module.random, should_retry=is_transient, wall_clock=time.time):
    if not attempts >= 1:
        raise ValueError(f"attempts={attempts}")
    if min(base_delay, max_delay) < 0:
        raise ValueError("negative delay")

    def decorate(func):
        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            ceilings = _ceilings(base_delay, max_delay)
            for number in range(1, attempts + 1):
                try:
                    outcome, raised = func(*args, **kwargs), False
                except Exception as exc:
                    outcome, raised = exc, True
                ceiling = next(ceilings)
                if number == attempts or not should_retry(outcome):
                    break
                pause = _server_wait(outcome, wall_clock)
                if pause is None:
                    pause = ceiling * random()
                if pause > max_delay:
                    break
                sleep(pause)
            if raised:
                raise outcome
            return outcome
        return wrapper
    return decorate


def retry(func, **settings):
    return retrying(**settings)(func)()
