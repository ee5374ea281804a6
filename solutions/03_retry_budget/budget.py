"""Lesson 3 reference: a retry budget in the manner of gRPC retry throttling.

``RetryBudget`` is a token bucket shared by every request a client makes to one service:

* it starts full, at ``max_tokens``;
* every attempt that fails with a transient error costs 1 token (never below 0);
* every attempt that does not (a success, or an answer not worth retrying) refunds
  ``token_ratio`` tokens (never above ``max_tokens``);
* a retry is allowed only while the bucket holds more than ``max_tokens / 2``.

During a full outage the bucket drains after a handful of failures and the client stops
retrying: the extra load is a few calls in all, not ``attempts - 1`` extra calls per request.
When the service is healthy, successes keep the bucket full and retries work as before.

``retry`` is lesson 2's retry (backoff with full jitter, ``Retry-After``, transient-only) with
one new parameter, ``budget``.
"""

from __future__ import annotations

import random
import re
import threading
import time
from datetime import timezone
from email.utils import parsedate_to_datetime
from typing import Any, Callable

import requests


class RetryBudget:
    """A token bucket that decides whether a client may retry (gRPC retry throttling).

    >>> budget = RetryBudget(max_tokens=10, token_ratio=0.1)
    >>> for _ in range(5):
    ...     budget.record_failure()
    >>> budget.tokens, budget.can_retry()      # 5 is not *above* 10 / 2
    (5.0, False)
    >>> budget.record_success()
    >>> budget.can_retry()                     # 5.1 is
    True

    Safe to share between threads: every read-and-update of the tokens happens under one lock,
    so no failure or success is ever lost and the count never goes below 0.
    """

    def __init__(self, max_tokens: float = 10, token_ratio: float = 0.1) -> None:
        if not max_tokens > 0:
            raise ValueError(f"max_tokens must be above 0, got {max_tokens!r}")
        if not token_ratio > 0:
            raise ValueError(f"token_ratio must be above 0, got {token_ratio!r}")
        self.max_tokens = float(max_tokens)
        self.token_ratio = float(token_ratio)
        self._tokens = self.max_tokens
        self._lock = threading.Lock()

    @property
    def tokens(self) -> float:
        """The tokens in the bucket now: between 0 and ``max_tokens``."""
        with self._lock:
            return self._tokens

    def can_retry(self) -> bool:
        """Whether a retry may be sent now: only while tokens are above ``max_tokens / 2``."""
        with self._lock:
            return self._tokens > self.max_tokens / 2

    def record_failure(self) -> None:
        """An attempt failed with a transient error: it costs one token (the floor is 0)."""
        with self._lock:
            self._tokens = max(0.0, self._tokens - 1)

    def record_success(self) -> None:
        """An attempt did not fail: refund ``token_ratio`` (the ceiling is ``max_tokens``)."""
        with self._lock:
            self._tokens = min(self.max_tokens, self._tokens + self.token_ratio)

    def __repr__(self) -> str:
        return (f"RetryBudget(tokens={self.tokens:g}, max_tokens={self.max_tokens:g}, "
                f"token_ratio={self.token_ratio:g})")


# -- lesson 2's retry, with the budget wired in ----------------------------------------------

#: Statuses whose ``Retry-After`` header this retry honours.
RETRY_AFTER_STATUSES = frozenset({429, 503})
_DELAY_SECONDS = re.compile(r"[0-9]+")  # whole seconds only


def is_transient(outcome: object) -> bool:
    """Connection errors, timeouts, and 5xx or 429 answers (returned or raised) are transient."""
    if isinstance(outcome, requests.Response):
        return _is_transient_status(outcome.status_code)
    if isinstance(outcome, requests.HTTPError):
        return outcome.response is not None and _is_transient_status(outcome.response.status_code)
    return isinstance(outcome, (requests.ConnectionError, requests.Timeout))


def _is_transient_status(status: int) -> bool:
    return status == 429 or 500 <= status <= 599


def full_jitter(k: int, *, base_delay: float, max_delay: float,
                random: Callable[[], float]) -> float:
    """The ``k``-th wait: ``random() * min(max_delay, base_delay * 2**k)``."""
    return random() * min(max_delay, base_delay * 2 ** k)


def retry_after_seconds(outcome: object, wall_clock: Callable[[], float]) -> float | None:
    """Seconds a 429/503 asked us to wait (delay-seconds or HTTP-date), or ``None``."""
    response = outcome.response if isinstance(outcome, requests.HTTPError) else outcome
    if not isinstance(response, requests.Response) or \
            response.status_code not in RETRY_AFTER_STATUSES:
        return None
    value = response.headers.get("Retry-After")
    if value is None:
        return None
    value = value.strip()
    if _DELAY_SECONDS.fullmatch(value):
        return float(value)
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return max(0.0, moment.timestamp() - wall_clock())


def retry(func: Callable[[], Any], *, attempts: int = 3, budget: RetryBudget | None = None,
          base_delay: float = 0.1, max_delay: float = 10.0,
          sleep: Callable[[float], None] = time.sleep,
          random: Callable[[], float] = random.random,
          should_retry: Callable[[object], bool] = is_transient,
          wall_clock: Callable[[], float] = time.time) -> Any:
    """Lesson 2's retry, throttled by a shared ``budget`` when one is given.

    With a budget, every attempt is reported to it: a transient failure with
    ``record_failure()``, any other outcome with ``record_success()``. After a transient
    failure with attempts left, the retry happens only if ``budget.can_retry()`` (asked after
    recording that failure); if not, the caller gets this attempt's outcome at once, without
    waiting. Without a budget (``None``), it behaves exactly like lesson 2.
    """
    _check_settings(attempts, base_delay, max_delay)
    for k in range(attempts):
        value, error = _call(func)
        outcome = error if error is not None else value
        transient = should_retry(outcome)
        if budget is not None:
            _report(budget, transient)
        wait = None
        if transient and k < attempts - 1 and (budget is None or budget.can_retry()):
            wait = _wait_before_retry(outcome, k, base_delay, max_delay, random, wall_clock)
        if wait is None:  # no retry: the caller gets this outcome
            if error is not None:
                raise error
            return value
        sleep(wait)
    raise AssertionError("unreachable: the last attempt always returns or raises")


def _report(budget: RetryBudget, transient: bool) -> None:
    if transient:
        budget.record_failure()
    else:
        budget.record_success()


def _check_settings(attempts: int, base_delay: float, max_delay: float) -> None:
    if attempts < 1:
        raise ValueError(f"attempts must be at least 1, got {attempts!r}")
    if base_delay < 0 or max_delay < 0:
        raise ValueError(f"delays must not be negative (base_delay={base_delay!r}, "
                         f"max_delay={max_delay!r})")


def _call(func: Callable[[], Any]) -> tuple[Any, Exception | None]:
    try:
        return func(), None
    except Exception as error:
        return None, error


def _wait_before_retry(outcome: object, k: int, base_delay: float, max_delay: float,
                       random: Callable[[], float],
                       wall_clock: Callable[[], float]) -> float | None:
    asked = retry_after_seconds(outcome, wall_clock)
    if asked is not None:
        return asked if asked <= max_delay else None
    return full_jitter(k, base_delay=base_delay, max_delay=max_delay, random=random)
