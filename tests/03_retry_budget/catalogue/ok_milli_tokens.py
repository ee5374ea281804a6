"""Correct, built differently: integer milli-tokens (as grpc-core keeps them), an RLock."""

ACCEPTED = True

import random as random_module
import threading
import time
from email.utils import mktime_tz, parsedate_tz

import requests

MILLI = 1000


class RetryBudget:
    def __init__(self, max_tokens=10, token_ratio=0.1):
        if not (max_tokens > 0 and token_ratio > 0):
            raise ValueError("max_tokens and token_ratio must both be positive")
        self.max_tokens = max_tokens
        self.token_ratio = token_ratio
        self._max_milli = round(max_tokens * MILLI)
        self._refund_milli = round(token_ratio * MILLI)
        self._milli = self._max_milli
        self._guard = threading.RLock()

    @property
    def tokens(self):
        with self._guard:
            return self._milli / MILLI

    def can_retry(self):
        with self._guard:
            return 2 * self._milli > self._max_milli

    def record_failure(self):
        with self._guard:
            self._milli = max(0, self._milli - MILLI)

    def record_success(self):
        with self._guard:
            self._milli = min(self._max_milli, self._milli + self._refund_milli)


def is_transient(outcome):
    response = outcome.response if isinstance(outcome, requests.HTTPError) else outcome
    if isinstance(response, requests.Response):
        return response.status_code == 429 or response.status_code // 100 == 5
    return isinstance(outcome, (requests.ConnectionError, requests.Timeout))


def _server_delay(outcome, wall_clock):
    response = outcome.response if isinstance(outcome, requests.HTTPError) else outcome
    if not isinstance(response, requests.Response) or response.status_code not in {429, 503}:
        return None
    header = (response.headers.get("Retry-After") or "").strip()
    if header.isascii() and header.isdigit():
        return float(header)
    parsed = parsedate_tz(header) if header else None
    if parsed is None:
        return None
    if parsed[9] is None:  # no zone: an HTTP-date is GMT (mktime_tz would take local time)
        parsed = parsed[:9] + (0,)
    return max(0.0, mktime_tz(parsed) - wall_clock())


def retry(func, *, attempts=3, budget=None, base_delay=0.1, max_delay=10.0, sleep=time.sleep,
          random=random_module.random, should_retry=is_transient, wall_clock=time.time):
    if attempts < 1:
        raise ValueError("need at least one attempt")
    if base_delay < 0 or max_delay < 0:
        raise ValueError("delays cannot be negative")
    made = 0
    while True:
        made += 1
        try:
            outcome, raised = func(), False
        except Exception as exc:
            outcome, raised = exc, True
        transient = should_retry(outcome)
        if budget is not None:
            (budget.record_failure if transient else budget.record_success)()
        retrying = transient and made < attempts and (budget is None or budget.can_retry())
        delay = None
        if retrying:
            delay = _server_delay(outcome, wall_clock)
            if delay is None:
                delay = random() * min(max_delay, base_delay * (1 << (made - 1)))
            elif delay > max_delay:
                retrying = False
        if not retrying:
            if raised:
                raise outcome
            return outcome
        sleep(delay)
