"""Correct, built differently: a breaker configured through pybreaker's setters and add_* methods, excluding all but Ctrl-C; a Retrying subclass that unwraps RetryError itself (reraise=True), its stop judged on the outcome."""

from __future__ import annotations

import logging
import re
import time
from datetime import timezone
from email.utils import parsedate_to_datetime
from typing import Any, Callable, Iterable

import pybreaker
import requests
import tenacity

ACCEPTED = True

# -- given by the starter (unchanged) -----------------------------------------------------------

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


# -- the learner's part -------------------------------------------------------------------------


class _Isolating(pybreaker.CircuitBreakerListener):
    def __init__(self, wrapped):
        self.wrapped = wrapped

    def __getattribute__(self, attr):
        if attr in ("before_call", "success", "failure", "state_change"):
            target = getattr(object.__getattribute__(self, "wrapped"), attr)

            def isolated(*a, **k):
                try:
                    target(*a, **k)
                except Exception:
                    logging.getLogger("listeners").exception("ignored")
            return isolated
        return object.__getattribute__(self, attr)


def make_breaker(name, *, failure_threshold=5, recovery_timeout=30.0, success_threshold=2,
                 listeners=()):
    if failure_threshold < 1:
        raise ValueError("failure_threshold")
    if success_threshold < 1:
        raise ValueError("success_threshold")
    if recovery_timeout < 0:
        raise ValueError("recovery_timeout")
    breaker = pybreaker.CircuitBreaker(throw_new_error_on_trip=False)
    breaker.name = name
    breaker.fail_max = failure_threshold
    breaker.reset_timeout = recovery_timeout
    breaker.success_threshold = success_threshold
    breaker.add_excluded_exception(
        lambda e: not isinstance(e, KeyboardInterrupt) and not is_service_failure(e))
    for listener in listeners:
        breaker.add_listener(_Isolating(listener))
    return breaker


class OpenTimer(pybreaker.CircuitBreakerListener):
    def __init__(self, clock=time.time):
        self.clock = clock
        self.until = float("-inf")

    def state_change(self, cb, old_state, new_state):
        self.until = (self.clock() + cb.reset_timeout
                      if new_state.name == pybreaker.STATE_OPEN else float("-inf"))

    def retry_after(self):
        left = self.until - self.clock()
        return left if left > 0 else 0.0


def _value(outcome):
    return outcome.exception() if outcome.failed else outcome.result()


class LastOutcomeRetrying(tenacity.Retrying):
    def __call__(self, fn, *args, **kwargs):
        try:
            return super().__call__(fn, *args, **kwargs)
        except tenacity.RetryError as error:
            return error.last_attempt.result()


def make_retrying(*, attempts=3, base_delay=0.1, max_delay=10.0, sleep=time.sleep,
                  wall_clock=time.time):
    for label, value, low in (("attempts", attempts, 1), ("base_delay", base_delay, 0),
                              ("max_delay", max_delay, 0)):
        if value < low:
            raise ValueError(f"{label}={value!r} is below {low}")
    full_jitter = tenacity.wait_random_exponential(multiplier=base_delay, max=max_delay,
                                                   exp_base=2, min=0)

    def wait(rs):
        asked = retry_after_seconds(_value(rs.outcome), wall_clock)
        return full_jitter(rs) if asked is None else asked

    def asked_too_long(rs):
        asked = retry_after_seconds(_value(rs.outcome), wall_clock)
        return asked is not None and asked > max_delay

    return LastOutcomeRetrying(
        retry=tenacity.retry_if_exception(is_transient) | tenacity.retry_if_result(is_transient),
        stop=tenacity.stop_any(tenacity.stop_after_attempt(attempts), asked_too_long),
        wait=wait, reraise=True, sleep=sleep)
