"""Asks can_retry() before recording the failure, so one retry too many slips through."""

CAUGHT_BY = ["test_retry_stops_when_the_budget_says_no"]

import random as _random
import threading
import time
from email.utils import parsedate_to_datetime

import requests


class RetryBudget:
    def __init__(self, max_tokens=10, token_ratio=0.1):
        if max_tokens <= 0 or token_ratio <= 0:
            raise ValueError("max_tokens and token_ratio must be above 0")
        self.max_tokens = max_tokens
        self.token_ratio = token_ratio
        self._tokens = float(max_tokens)
        self._lock = threading.Lock()

    @property
    def tokens(self):
        return self._tokens

    def can_retry(self):
        with self._lock:
            return self._tokens > self.max_tokens / 2

    def record_failure(self):
        with self._lock:
            self._tokens = max(0.0, self._tokens - 1)

    def record_success(self):
        with self._lock:
            self._tokens = min(self.max_tokens, self._tokens + self.token_ratio)


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


def retry(func, *, attempts=3, budget=None, base_delay=0.1, max_delay=10.0, sleep=time.sleep,
          random=_random.random, should_retry=is_transient, wall_clock=time.time):
    if attempts < 1 or base_delay < 0 or max_delay < 0:
        raise ValueError("attempts must be >= 1 and delays >= 0")
    for k in range(attempts):
        try:
            result, failure = func(), None
        except Exception as exc:
            result, failure = exc, exc
        transient = should_retry(result)
        if budget is not None and not transient:
            budget.record_success()
        if not transient:
            break
        if k == attempts - 1:
            if budget is not None:
                budget.record_failure()
            break
        if budget is not None:
            allowed = budget.can_retry()
            budget.record_failure()
            if not allowed:
                break
        wait = _retry_after(result, wall_clock)
        if wait is None:
            wait = random() * min(max_delay, base_delay * 2 ** k)
        elif wait > max_delay:
            break
        sleep(wait)
    if failure is not None:
        raise failure
    return result
