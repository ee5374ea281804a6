"""Correct, built differently: a frozen policy object, a match statement, datetime arithmetic."""

ACCEPTED = True

import random as random_module
import re
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from typing import Any, Callable

import requests

WHOLE_SECONDS = re.compile(r"\s*([0-9]+)\s*")


def _status_of(outcome):
    match outcome:
        case requests.Response():
            return outcome.status_code
        case requests.HTTPError(response=requests.Response() as response):
            return response.status_code
    return None


def is_transient(outcome):
    status = _status_of(outcome)
    if status is not None:
        return status == 429 or 500 <= status < 600
    if isinstance(outcome, requests.HTTPError):
        return False  # an HTTPError with no response
    return isinstance(outcome, (requests.ConnectionError, requests.Timeout))


@dataclass(frozen=True)
class _Policy:
    attempts: int
    base_delay: float
    max_delay: float
    random: Callable[[], float]
    wall_clock: Callable[[], float]

    def __post_init__(self):
        if self.attempts < 1 or self.base_delay < 0 or self.max_delay < 0:
            raise ValueError(f"bad retry settings: {self}")

    def server_delay(self, outcome):
        """Seconds from Retry-After on a 429/503, or None if absent or unreadable."""
        if _status_of(outcome) not in (429, 503):
            return None
        response = outcome if isinstance(outcome, requests.Response) else outcome.response
        header = response.headers.get("Retry-After")
        if header is None:
            return None
        if (whole := WHOLE_SECONDS.fullmatch(header)) is not None:
            return float(whole.group(1))
        try:
            when = parsedate_to_datetime(header.strip())
        except (TypeError, ValueError, IndexError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=timezone.utc)
        now = datetime.fromtimestamp(self.wall_clock(), tz=timezone.utc)
        return max(0.0, (when - now).total_seconds())

    def delay_before(self, retry_number, outcome):
        """The wait before retry ``retry_number`` (1-based), or None to stop now."""
        asked = self.server_delay(outcome)
        if asked is None:
            ceiling = min(self.max_delay, self.base_delay * 2 ** (retry_number - 1))
            return self.random() * ceiling
        return None if asked > self.max_delay else asked


def retry(func: Callable[[], Any], *, attempts=3, base_delay=0.1, max_delay=10.0,
          sleep=time.sleep, random=random_module.random, should_retry=is_transient,
          wall_clock=time.time):
    policy = _Policy(attempts, base_delay, max_delay, random, wall_clock)
    retry_number = 0
    while True:
        try:
            outcome, raised = func(), False
        except Exception as error:
            outcome, raised = error, True
        retry_number += 1
        delay = None
        if retry_number < policy.attempts and should_retry(outcome):
            delay = policy.delay_before(retry_number, outcome)
        if delay is None:
            if raised:
                raise outcome
            return outcome
        sleep(delay)
