"""Lesson 2 reference: exponential backoff with full jitter, and what to retry.

Three decisions, each in its own small function:

* ``is_transient``: is this outcome worth another try at all?
* ``full_jitter``: how long to wait before retry number ``k + 1``, when the server says nothing;
* ``retry_after_seconds``: how long the server asked us to wait (``Retry-After``), if it did.

``retry`` only strings them together. Every source of time and chance is injected (``sleep``,
``random``, ``wall_clock``), so a check can run a 30-second schedule in microseconds and know
the exact waits in advance.
"""

from __future__ import annotations

import random
import re
import time
from datetime import timezone
from email.utils import parsedate_to_datetime
from typing import Any, Callable

import requests

#: Statuses whose ``Retry-After`` header this retry honours (RFC 9110: 503 and 429 use it).
RETRY_AFTER_STATUSES = frozenset({429, 503})

#: The delay-seconds form of ``Retry-After``: whole seconds, ASCII digits only (RFC 9110
#: §10.2.3), so ``"1.5"`` and ``"-3"`` are unreadable.
_DELAY_SECONDS = re.compile(r"[0-9]+")


def is_transient(outcome: object) -> bool:
    """Whether ``outcome`` is a failure that may well go away if we simply try again.

    ``outcome`` is what one call produced: the exception it raised, or the value it returned.

    Transient: ``requests.ConnectionError`` (refused, reset, connect timeout...),
    ``requests.Timeout``, and any HTTP answer with status 5xx or 429, whether it was returned
    as a ``requests.Response`` or raised as a ``requests.HTTPError`` carrying that response.
    Everything else is not: 4xx answers (400, 401, 403, 404, 409, 422...), a 200 whose body is
    not valid JSON, any other exception (a bug stays a bug), and any successful value.
    """
    if isinstance(outcome, requests.Response):
        return _is_transient_status(outcome.status_code)
    if isinstance(outcome, requests.HTTPError):
        # `is not None`, never truthiness: a Response with an error status is *falsy*.
        return outcome.response is not None and _is_transient_status(outcome.response.status_code)
    return isinstance(outcome, (requests.ConnectionError, requests.Timeout))


def _is_transient_status(status: int) -> bool:
    """5xx: the server failed (maybe briefly). 429: it asked us to slow down."""
    return status == 429 or 500 <= status <= 599


def full_jitter(k: int, *, base_delay: float, max_delay: float,
                random: Callable[[], float]) -> float:
    """The ``k``-th wait (``k = 0`` after the first failure): uniform in ``[0, ceiling]``.

    ``ceiling = min(max_delay, base_delay * 2**k)``: doubles each time, never above the cap.
    ``random()`` returns a float in ``[0, 1)`` and is called exactly once.
    """
    ceiling = min(max_delay, base_delay * 2 ** k)
    return random() * ceiling


def retry_after_seconds(outcome: object, wall_clock: Callable[[], float]) -> float | None:
    """Seconds the server asked us to wait, or ``None`` when it did not say (or said garbage).

    Only a 429 or 503 answer counts, returned or carried by an ``HTTPError``. The header is
    either delay-seconds (``"7"``: whole seconds, spaces around ignored) or an HTTP-date
    (``"Wed, 15 Nov 2023 22:13:24 GMT"``; one with no zone is GMT too), which is read
    against ``wall_clock()`` (seconds since the epoch); a date in the past means "now": 0
    seconds. Anything else (``"soon"``, ``"1.5"``, ``"-3"``) is unreadable: ``None``.
    """
    response = _response_of(outcome)
    if response is None or response.status_code not in RETRY_AFTER_STATUSES:
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
        return None  # unreadable: fall back to our own backoff
    if moment.tzinfo is None:  # "-0000" parses as naive; HTTP-dates are always GMT
        moment = moment.replace(tzinfo=timezone.utc)
    return max(0.0, moment.timestamp() - wall_clock())


def _response_of(outcome: object) -> requests.Response | None:
    if isinstance(outcome, requests.Response):
        return outcome
    if isinstance(outcome, requests.HTTPError):
        return outcome.response
    return None


def retry(func: Callable[[], Any], *, attempts: int = 3, base_delay: float = 0.1,
          max_delay: float = 10.0, sleep: Callable[[float], None] = time.sleep,
          random: Callable[[], float] = random.random,
          should_retry: Callable[[object], bool] = is_transient,
          wall_clock: Callable[[], float] = time.time) -> Any:
    """Call ``func()`` up to ``attempts`` times, waiting politely between transient failures.

    After each call, its outcome (the exception raised, or the value returned) is judged by
    ``should_retry``. Not worth retrying, or the last attempt: the outcome goes to the caller
    as is (the exception raised unchanged, the value returned, even a 503 response). Worth
    retrying: wait, then call again. The wait before retry ``k + 1`` is the server's
    ``Retry-After`` on a 429/503 when it gave a readable one (more than ``max_delay``: stop at
    once and hand over the outcome), else ``full_jitter(k)``. ``sleep`` is called exactly once
    between two attempts, never after the last one and never after a success.
    """
    _check_settings(attempts, base_delay, max_delay)
    for k in range(attempts):
        value, error = _call(func)
        outcome = error if error is not None else value
        wait = None
        if k < attempts - 1 and should_retry(outcome):
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
        return asked if asked <= max_delay else None  # never sleep past our own cap
    return full_jitter(k, base_delay=base_delay, max_delay=max_delay, random=random)
