"""Correct, built differently: a Decimal bucket behind a threading.Condition, handed out as
float; lesson 2's retry rewritten as a break-out loop."""

from decimal import Decimal
import random
import re
import threading
import time
from datetime import timezone
from email.utils import parsedate_to_datetime
from typing import Any, Callable

import requests

ACCEPTED = True

HONOUR = (429, 503)


class RetryBudget:
    """A Decimal bucket behind a Condition; tokens handed out as float."""

    def __init__(self, max_tokens=10, token_ratio=0.1):
        if max_tokens <= 0 or token_ratio <= 0:
            raise ValueError("positive settings only")
        self.max_tokens = max_tokens
        self.token_ratio = token_ratio
        self._max = Decimal(repr(max_tokens))
        self._ratio = Decimal(repr(token_ratio))
        self._level = self._max
        self._cond = threading.Condition()

    @property
    def tokens(self):
        with self._cond:
            return float(self._level)

    def can_retry(self):
        with self._cond:
            return self._level > self._max / 2

    def record_failure(self):
        with self._cond:
            self._level -= 1
            if self._level < 0:
                self._level = Decimal(0)

    def record_success(self):
        with self._cond:
            self._level += self._ratio
            if self._level > self._max:
                self._level = self._max

def _status_transient(status):
    return status == 429 or 500 <= status <= 599


def is_transient(outcome: object) -> bool:
    if isinstance(outcome, requests.Response):
        return _status_transient(outcome.status_code)
    if isinstance(outcome, requests.HTTPError):
        return outcome.response is not None and _status_transient(outcome.response.status_code)
    if isinstance(outcome, (requests.ConnectionError, requests.Timeout)):
        return True
    return False


def _response_of(outcome):
    if isinstance(outcome, requests.HTTPError):
        return outcome.response
    if isinstance(outcome, requests.Response):
        return outcome
    return None


def _parse_seconds(value):
    if re.fullmatch(r"[0-9]+", value):
        return float(int(value))
    return None


def _parse_date(value, wall_clock):
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, when.timestamp() - wall_clock())


def retry_after_seconds(outcome, wall_clock):
    response = _response_of(outcome)
    if response is None or response.status_code not in HONOUR:
        return None
    raw = response.headers.get("Retry-After")
    if raw is None:
        return None
    value = raw.strip()
    seconds = _parse_seconds(value)
    if seconds is not None:
        return seconds
    return _parse_date(value, wall_clock)


def full_jitter(k, *, base_delay, max_delay, random):
    return random() * min(max_delay, base_delay * 2 ** k)


def retry(func: Callable[[], Any], *, attempts: int = 3, budget=None, base_delay: float = 0.1,
          max_delay: float = 10.0, sleep: Callable[[float], None] = time.sleep,
          random: Callable[[], float] = random.random,
          should_retry: Callable[[object], bool] = is_transient,
          wall_clock: Callable[[], float] = time.time) -> Any:
    if attempts < 1 or base_delay < 0 or max_delay < 0:
        raise ValueError("bad settings")
    for k in range(attempts):
        try:
            outcome = func()
            raised = False
        except Exception as error:
            outcome = error
            raised = True
        transient = should_retry(outcome)
        if budget is not None:
            if transient:
                budget.record_failure()
            else:
                budget.record_success()
        if not transient or k == attempts - 1:
            break
        if budget is not None and not budget.can_retry():
            break
        asked = retry_after_seconds(outcome, wall_clock)
        if asked is not None:
            if asked > max_delay:
                break
            wait = asked
        else:
            wait = full_jitter(k, base_delay=base_delay, max_delay=max_delay, random=random)
        sleep(wait)
    if raised:
        raise outcome
    return outcome
