"""Correct, built differently: one locked _change(delta) helper, and a decorator-style retry."""

ACCEPTED = True

import functools
import random as random_module
import threading
import time
from datetime import timezone
from email.utils import parsedate_to_datetime

import requests


class RetryBudget:
    def __init__(self, max_tokens=10, token_ratio=0.1):
        if max_tokens <= 0:
            raise ValueError("max_tokens must be > 0")
        if token_ratio <= 0:
            raise ValueError("token_ratio must be > 0")
        self.max_tokens, self.token_ratio = max_tokens, token_ratio
        self._level = float(max_tokens)
        self._mutex = threading.Lock()

    def _change(self, delta):
        with self._mutex:
            self._level = min(self.max_tokens, max(0.0, self._level + delta))

    @property
    def tokens(self):
        return self._level

    def can_retry(self):
        return self.tokens > self.max_tokens / 2

    def record_failure(self):
        self._change(-1)

    def record_success(self):
        self._change(self.token_ratio)


TRANSIENT_STATUSES = frozenset([429, *range(500, 600)])


def is_transient(outcome):
    if isinstance(outcome, (requests.ConnectionError, requests.Timeout)):
        return True
    if isinstance(outcome, requests.HTTPError):
        outcome = outcome.response
    return isinstance(outcome, requests.Response) and outcome.status_code in TRANSIENT_STATUSES


def _asked_delay(outcome, wall_clock):
    if isinstance(outcome, requests.HTTPError):
        outcome = outcome.response
    if not isinstance(outcome, requests.Response) or outcome.status_code not in (429, 503):
        return None
    text = outcome.headers.get("Retry-After")
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
    return max(0.0, moment.timestamp() - wall_clock())


def retrying(*, attempts=3, budget=None, base_delay=0.1, max_delay=10.0, sleep=time.sleep,
             random=random_module.random, should_retry=is_transient, wall_clock=time.time):
    if attempts < 1 or min(base_delay, max_delay) < 0:
        raise ValueError("bad retry settings")

    def decorate(func):
        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            for k in range(attempts):
                try:
                    outcome, error = func(*args, **kwargs), None
                except Exception as exc:
                    outcome, error = exc, exc
                transient = should_retry(outcome)
                if budget:
                    budget.record_failure() if transient else budget.record_success()
                last = k == attempts - 1
                if not transient or last or (budget and not budget.can_retry()):
                    break
                delay = _asked_delay(outcome, wall_clock)
                if delay is None:
                    delay = random() * min(max_delay, base_delay * 2 ** k)
                if delay > max_delay:
                    break
                sleep(delay)
            if error is not None:
                raise error
            return outcome
        return wrapper
    return decorate


def retry(func, **settings):
    return retrying(**settings)(func)()
