"""Lesson 3: retry budgets.

Two jobs, the rules are in this lesson's README.md; `make check LESSON=3` grades your work:

1. write `RetryBudget`, a token bucket shared by every request to one service;
2. wire it into `retry`, which is handed to you working: it is lesson 2's retry (full jitter,
   Retry-After, transient failures only), with a new `budget` parameter it ignores so far.
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

    - Starts full: ``tokens == max_tokens``. ``max_tokens`` and ``token_ratio`` must be above
      0, else ``ValueError``; keep them readable as attributes of the same names.
    - ``record_failure()``: an attempt failed with a transient error; it costs 1 token.
      Tokens never go below 0.
    - ``record_success()``: an attempt did not fail; refund ``token_ratio`` tokens. Tokens
      never go above ``max_tokens``.
    - ``can_retry()``: ``True`` only while ``tokens > max_tokens / 2`` (strictly above).
    - Safe to share between threads: two calls at the same moment must never lose an update
      or take the tokens below 0. Read-then-write on ``self`` needs a ``threading.Lock``.
    """

    def __init__(self, max_tokens: float = 10, token_ratio: float = 0.1) -> None:
        # TODO: validate, store max_tokens and token_ratio, fill the bucket, create a lock.
        raise NotImplementedError("RetryBudget.__init__")

    @property
    def tokens(self) -> float:
        """The tokens in the bucket now, between 0 and ``max_tokens``."""
        # TODO
        raise NotImplementedError("RetryBudget.tokens")

    def can_retry(self) -> bool:
        """Whether a retry may be sent now: tokens above ``max_tokens / 2``."""
        # TODO
        raise NotImplementedError("RetryBudget.can_retry")

    def record_failure(self) -> None:
        """A transient failure: one token less (never below 0)."""
        # TODO
        raise NotImplementedError("RetryBudget.record_failure")

    def record_success(self) -> None:
        """Not a failure: ``token_ratio`` tokens more (never above ``max_tokens``)."""
        # TODO
        raise NotImplementedError("RetryBudget.record_success")


# -- lesson 2's retry: working, except for the budget -----------------------------------------

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

    To add (see the README):
    - tell the budget about every attempt: ``record_failure()`` when ``should_retry`` says
      the outcome is transient, ``record_success()`` for any other outcome;
    - after a transient failure with attempts left, retry only if ``budget.can_retry()``
      (asked *after* recording that failure); if not, the caller gets this attempt's outcome
      at once, without waiting;
    - ``budget=None`` keeps lesson 2's behaviour exactly.
    """
    if budget is not None:
        # TODO: wire the budget into the loop below, then delete these two lines.
        raise NotImplementedError("retry(..., budget=...)")
    _check_settings(attempts, base_delay, max_delay)
    for k in range(attempts):
        value, error = _call(func)
        outcome = error if error is not None else value
        transient = should_retry(outcome)
        wait = None
        if transient and k < attempts - 1:
            wait = _wait_before_retry(outcome, k, base_delay, max_delay, random, wall_clock)
        if wait is None:  # no retry: the caller gets this outcome
            if error is not None:
                raise error
            return value
        sleep(wait)
    raise AssertionError("unreachable: the last attempt always returns or raises")


def _check_settings(attempts: int, base_delay: float, max_delay: float) -> None:
    if attempts < 1:
        raise ValueError(f"attempts must be at least 1, got {attempts!r}")
    if base_delay < 0 or max_delay < 0:
        raise ValueError(f"delays must not be negative (base_delay={base_delay!r}, "
                         f"max_delay={max_delay!r})")


def _call(func: Callable[[], Any]) -> tuple[Any, Exception | None]:
    """One attempt: ``(value, None)`` or ``(None, error)``. Ctrl-C is not caught."""
    try:
        return func(), None
    except Exception as error:
        return None, error


def _wait_before_retry(outcome: object, k: int, base_delay: float, max_delay: float,
                       random: Callable[[], float],
                       wall_clock: Callable[[], float]) -> float | None:
    """Seconds to wait before the next attempt, or ``None`` to stop retrying now."""
    asked = retry_after_seconds(outcome, wall_clock)
    if asked is not None:
        return asked if asked <= max_delay else None
    return full_jitter(k, base_delay=base_delay, max_delay=max_delay, random=random)
