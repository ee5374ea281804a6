"""Lesson 15: battle-tested libraries.

Configure pybreaker and tenacity so that they keep the rules you built by hand in lessons 2,
4 and 5, and fill the gaps they leave:

1. ``make_breaker``: a ``pybreaker.CircuitBreaker`` with lesson 4's settings and lesson 5's
   idea of a failure, settings checked, listeners shielded;
2. ``OpenTimer``: a pybreaker listener that knows the ``retry_after`` that
   ``CircuitBreakerError`` does not carry;
3. ``make_retrying``: a ``tenacity.Retrying`` with lesson 2's rules.

The verdicts of lessons 2 and 5 (``is_transient``, ``is_service_failure``,
``retry_after_seconds``) are given, working. ``RetryAfterOr`` and ``AskedToWaitLongerThan``
are a suggested way to plug ``Retry-After`` into tenacity; the checks never call them, so
keep, rename or delete them as you like. The rules are in this lesson's README.md; the
libraries' own source is in ``.venv/lib/python3.*/site-packages/{pybreaker,tenacity}/``.
`make check LESSON=15` grades your work.
"""

from __future__ import annotations

import re
import time
from datetime import timezone
from email.utils import parsedate_to_datetime
from typing import Any, Callable, Iterable

import pybreaker
import requests
import tenacity

# -- given: the verdicts of lessons 2 and 5 ----------------------------------------------------

#: Statuses whose ``Retry-After`` header a retry honours (RFC 9110: 503 and 429 use it).
RETRY_AFTER_STATUSES = frozenset({429, 503})

_DELAY_SECONDS = re.compile(r"\d+(\.\d+)?")


def is_transient(outcome: object) -> bool:
    """Lesson 2: is this outcome (an exception raised, or a value returned) worth a retry?

    Transient: ``requests.ConnectionError``, ``requests.Timeout``, and an HTTP answer with
    status 5xx or 429, returned as a ``requests.Response`` or carried by a
    ``requests.HTTPError``. Anything else is not: a 4xx, malformed JSON, a bug, a success,
    and any ``BaseException`` that is not an ``Exception`` (Ctrl-C).
    """
    response = _response_of(outcome)
    if response is not None:
        return response.status_code == 429 or 500 <= response.status_code <= 599
    return isinstance(outcome, (requests.ConnectionError, requests.Timeout))


def is_service_failure(error: BaseException) -> bool:
    """Lesson 5: is this exception the *service's* fault (a failure for the breaker)?

    True for ``requests.ConnectionError``, ``requests.Timeout`` and an ``HTTPError`` with a
    5xx status. False for everything else: a 4xx is an answer, a ``KeyError`` in your own
    parsing is your bug, and Ctrl-C is nobody's verdict on the service.
    """
    if isinstance(error, requests.HTTPError):
        return error.response is not None and 500 <= error.response.status_code <= 599
    return isinstance(error, (requests.ConnectionError, requests.Timeout))


def retry_after_seconds(outcome: object, wall_clock: Callable[[], float]) -> float | None:
    """Lesson 2: seconds a 429 or 503 asked us to wait, or ``None`` if it did not say.

    ``outcome`` is an exception or a returned value; only a 429/503 answer (returned, or the
    ``.response`` of an ``HTTPError``) counts. The header is delay-seconds (``"7"``) or an
    HTTP-date, read against ``wall_clock()``; a date in the past means 0, garbage ``None``.
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
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return max(0.0, moment.timestamp() - wall_clock())


def _response_of(outcome: object) -> requests.Response | None:
    if isinstance(outcome, requests.Response):
        return outcome
    if isinstance(outcome, requests.HTTPError):
        return outcome.response
    return None


# -- the breaker: pybreaker ---------------------------------------------------------------------

def make_breaker(name: str, *, failure_threshold: int = 5, recovery_timeout: float = 30.0,
                 success_threshold: int = 2,
                 listeners: Iterable[pybreaker.CircuitBreakerListener] = ()
                 ) -> pybreaker.CircuitBreaker:
    """A ``pybreaker.CircuitBreaker`` named ``name``, keeping lesson 4's rules.

    - ``failure_threshold`` or ``success_threshold`` below 1, or a negative
      ``recovery_timeout``: ``ValueError`` (pybreaker itself accepts them).
    - Map the kata's settings onto pybreaker's knobs (``fail_max``, ``reset_timeout`` in
      seconds, ``success_threshold``): pybreaker's own defaults are 5, 60 s and 1.
    - The tripping call, and a failed trial, raise their own error: pybreaker's
      ``throw_new_error_on_trip`` says otherwise unless you set it.
    - ``exclude``: an exception that is not ``is_service_failure`` (a 404, a ``KeyError``)
      is not a failure. But only an ``Exception``: leave Ctrl-C to pybreaker, which counts
      it as a failure (README: excluding it makes it a *success*).
    - Every listener hears every event, and one that raises changes nothing (pybreaker calls
      listeners bare: wrap each one).
    """
    # TODO: check the settings, then build the breaker.
    raise NotImplementedError("make_breaker")


class OpenTimer(pybreaker.CircuitBreakerListener):
    """A listener that tells how long until its breaker admits a trial call.

    ``pybreaker.CircuitBreakerError`` carries no ``retry_after``. Given to ``make_breaker``
    as a listener, this timer notes when the breaker opens (``state_change`` into
    ``pybreaker.STATE_OPEN``) and for how long (``cb.reset_timeout``), on ``clock``.
    """

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        # TODO: keep the clock; nothing is counting down yet.
        raise NotImplementedError("OpenTimer")

    def state_change(self, cb: pybreaker.CircuitBreaker, old_state: Any, new_state: Any) -> None:
        """Called by pybreaker on every transition; ``new_state.name`` is 'open', ...."""
        # TODO: only the transition into OPEN starts the countdown; any other ends it.
        raise NotImplementedError("OpenTimer.state_change")

    def retry_after(self) -> float:
        """Seconds until the breaker admits a trial call: 0 unless it is open and waiting,
        never negative."""
        # TODO
        raise NotImplementedError("OpenTimer.retry_after")


# -- the retry: tenacity ------------------------------------------------------------------------

def make_retrying(*, attempts: int = 3, base_delay: float = 0.1, max_delay: float = 10.0,
                  sleep: Callable[[float], None] = time.sleep,
                  wall_clock: Callable[[], float] = time.time) -> tenacity.Retrying:
    """A ``tenacity.Retrying`` with lesson 2's rules, used as ``make_retrying(...)(func)``.

    - ``attempts`` below 1 or a negative delay: ``ValueError`` (tenacity accepts them).
    - ``retry``: only ``is_transient`` outcomes, raised or returned.
    - ``wait``: a 429/503's ``Retry-After`` (``retry_after_seconds``), else full jitter with
      ``max_delay`` as the cap: ``tenacity.wait_random_exponential``.
    - ``stop``: after ``attempts`` calls, or at once when ``Retry-After`` asks for more than
      ``max_delay``.
    - The caller gets the last outcome as it was: the very exception, or the last value
      (tenacity's default raises its own ``RetryError``).
    - ``sleep``: handed to tenacity; never ``time.sleep`` for real.
    """
    # TODO: check the settings, then build the Retrying.
    raise NotImplementedError("make_retrying")


class RetryAfterOr(tenacity.wait.wait_base):
    """Suggested: a tenacity wait. What a 429/503 asked for, else what ``fallback`` says.

    A wait is called with tenacity's ``RetryCallState``: ``retry_state.outcome`` is a
    ``Future`` (``.failed``, ``.exception()``, ``.result()``).
    """

    def __init__(self, fallback: tenacity.wait.wait_base, *,
                 wall_clock: Callable[[], float]) -> None:
        # TODO (optional helper)
        raise NotImplementedError("RetryAfterOr")

    def __call__(self, retry_state: tenacity.RetryCallState) -> float:
        # TODO (optional helper)
        raise NotImplementedError("RetryAfterOr")


class AskedToWaitLongerThan(tenacity.stop.stop_base):
    """Suggested: a tenacity stop. True when the next wait would be longer than ``max_delay``.

    tenacity 9 computes the wait *before* it asks ``stop``: see ``retry_state.upcoming_sleep``.
    """

    def __init__(self, max_delay: float) -> None:
        # TODO (optional helper)
        raise NotImplementedError("AskedToWaitLongerThan")

    def __call__(self, retry_state: tenacity.RetryCallState) -> bool:
        # TODO (optional helper)
        raise NotImplementedError("AskedToWaitLongerThan")
