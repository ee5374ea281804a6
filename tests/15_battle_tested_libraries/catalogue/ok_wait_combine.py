"""Correct, built differently: a validating CircuitBreaker subclass, exclusion by two predicates, waits summed with wait_combine, one stop class for both budgets, a lambda default clock."""

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


class _Guard(pybreaker.CircuitBreakerListener):
    def __init__(self, listener):
        self.listener = listener

    def before_call(self, cb, func, *args, **kwargs):
        try:
            self.listener.before_call(cb, func, *args, **kwargs)
        except Exception as e:
            logging.error("listener before_call: %s", e)

    def success(self, cb):
        try:
            self.listener.success(cb)
        except Exception as e:
            logging.error("listener success: %s", e)

    def failure(self, cb, exc):
        try:
            self.listener.failure(cb, exc)
        except Exception as e:
            logging.error("listener failure: %s", e)

    def state_change(self, cb, old_state, new_state):
        try:
            self.listener.state_change(cb, old_state, new_state)
        except Exception as e:
            logging.error("listener state_change: %s", e)


def _an_answer(exc):
    return (isinstance(exc, requests.HTTPError) and exc.response is not None
            and exc.response.status_code < 500)


def _not_the_service(exc):
    return isinstance(exc, Exception) and not isinstance(
        exc, (requests.ConnectionError, requests.Timeout, requests.HTTPError))


class CheckedBreaker(pybreaker.CircuitBreaker):
    def __init__(self, name, failure_threshold, recovery_timeout, success_threshold, listeners):
        for label, value in (("failure_threshold", failure_threshold),
                             ("success_threshold", success_threshold)):
            if value < 1:
                raise ValueError(f"{label} must be >= 1, got {value}")
        if recovery_timeout < 0:
            raise ValueError(f"recovery_timeout must be >= 0, got {recovery_timeout}")
        super().__init__(fail_max=failure_threshold, reset_timeout=recovery_timeout,
                         success_threshold=success_threshold,
                         exclude=(_an_answer, _not_the_service),
                         listeners=[_Guard(l) for l in listeners], name=name,
                         throw_new_error_on_trip=False)

    def add_listener(self, listener):
        super().add_listener(_Guard(listener))


def make_breaker(name, *, failure_threshold=5, recovery_timeout=30.0, success_threshold=2,
                 listeners=()):
    return CheckedBreaker(name, failure_threshold, recovery_timeout, success_threshold,
                          tuple(listeners))


class OpenTimer(pybreaker.CircuitBreakerListener):
    def __init__(self, clock=lambda: time.time()):
        self._clock = clock
        self._state = pybreaker.STATE_CLOSED
        self._opened_at = 0.0
        self._timeout = 0.0

    def state_change(self, cb, old_state, new_state):
        self._state = new_state.name
        if self._state == pybreaker.STATE_OPEN:
            self._opened_at = self._clock()
            self._timeout = cb.reset_timeout

    def retry_after(self):
        if self._state != pybreaker.STATE_OPEN:
            return 0.0
        return max(0.0, self._timeout - (self._clock() - self._opened_at))


def _value(outcome):
    return outcome.exception() if outcome.failed else outcome.result()


class _AskedFor(tenacity.wait.wait_base):
    def __init__(self, wall_clock):
        self.wall_clock = wall_clock

    def __call__(self, rs):
        asked = retry_after_seconds(_value(rs.outcome), self.wall_clock)
        return 0.0 if asked is None else asked


class _JitterUnlessAsked(tenacity.wait.wait_base):
    def __init__(self, jitter, wall_clock):
        self.jitter, self.wall_clock = jitter, wall_clock

    def __call__(self, rs):
        if retry_after_seconds(_value(rs.outcome), self.wall_clock) is not None:
            return 0.0
        return self.jitter(rs)


class _Budget(tenacity.stop.stop_base):
    def __init__(self, attempts, max_delay):
        self.attempts, self.max_delay = attempts, max_delay

    def __call__(self, rs):
        return rs.attempt_number >= self.attempts or rs.upcoming_sleep > self.max_delay


def make_retrying(*, attempts=3, base_delay=0.1, max_delay=10.0, sleep=time.sleep,
                  wall_clock=time.time):
    if attempts < 1 or base_delay < 0 or max_delay < 0:
        raise ValueError("attempts >= 1 and delays >= 0, please")
    jitter = tenacity.wait_random_exponential(multiplier=base_delay, max=max_delay)
    return tenacity.Retrying(
        retry=tenacity.retry_any(tenacity.retry_if_exception(is_transient),
                                 tenacity.retry_if_result(is_transient)),
        wait=tenacity.wait_combine(_AskedFor(wall_clock), _JitterUnlessAsked(jitter, wall_clock)),
        stop=_Budget(attempts, max_delay),
        retry_error_callback=lambda rs: rs.outcome.result(),
        sleep=sleep)
