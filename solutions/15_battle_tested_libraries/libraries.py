"""Lesson 15 reference: pybreaker and tenacity, configured to the kata's conventions.

Lessons 2 to 5 built a retry and a breaker by hand. In production you would more often
configure a library, and the work moves: instead of writing the state machine you read the
library's source, map every rule you care about onto one of its knobs, and fill the gaps it
leaves. Three factories do that here:

* ``make_breaker`` maps lesson 4's settings onto ``pybreaker.CircuitBreaker``, turns off its
  habit of raising ``CircuitBreakerError`` on the tripping call, tells it that an *answer*
  (a 404) is not a failure, checks the settings it would accept blindly, and shields it from
  listeners that raise;
* ``OpenTimer`` is a listener that knows what ``CircuitBreakerError`` does not carry: how long
  until pybreaker admits a trial call (the kata's ``retry_after``);
* ``make_retrying`` maps lesson 2's retry onto ``tenacity.Retrying``: full jitter with a cap,
  only transient failures, ``Retry-After`` honoured through a custom wait (and a custom stop
  when the server asks for more than we may wait), the caller's own error or response at
  the end, and an injected ``sleep``.

The first three functions are lessons 2 and 5's verdicts, given to the learner as they are.
"""

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

log = logging.getLogger(__name__)

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
    """A ``pybreaker.CircuitBreaker`` for the dependency ``name``, with lesson 4's rules.

    pybreaker already agrees with the kata on most of them: it opens when the count of
    failures in a row reaches ``fail_max`` (inclusive), an excluded exception counts as a
    success, the open period ends lazily on the next call, and ``success_threshold`` trial
    successes close it. The knobs that must be set, because the defaults disagree:

    * ``throw_new_error_on_trip=False``: by default the tripping call (and a failed trial)
      raises ``CircuitBreakerError`` instead of the service's own error;
    * ``fail_max``, ``reset_timeout`` (seconds) and ``success_threshold``: pybreaker's own
      defaults are 5, 60 s and 1, not the kata's 5, 30 s and 2;
    * ``exclude``: an answer such as a 404 is not a failure (lesson 5).

    And what pybreaker does not do at all: it accepts ``fail_max=0`` or a negative timeout
    without a word, and a listener that raises changes its behaviour. Both are handled here.
    """
    _check_breaker_settings(failure_threshold, success_threshold, recovery_timeout)
    return pybreaker.CircuitBreaker(
        fail_max=failure_threshold,
        reset_timeout=recovery_timeout,
        success_threshold=success_threshold,
        exclude=[_is_an_answer],
        listeners=[_Shielded(listener) for listener in listeners],
        name=name,
        throw_new_error_on_trip=False,
    )


def _check_breaker_settings(failure_threshold: int, success_threshold: int,
                            recovery_timeout: float) -> None:
    """pybreaker checks none of them: ``fail_max=0`` would open on the first failure."""
    _require(failure_threshold >= 1, "failure_threshold", failure_threshold, "at least 1")
    _require(success_threshold >= 1, "success_threshold", success_threshold, "at least 1")
    _require(recovery_timeout >= 0, "recovery_timeout", recovery_timeout, "0 or more")


def _is_an_answer(error: BaseException) -> bool:
    """pybreaker's ``exclude`` hook: True for an exception that is *not* a failure.

    Only an ``Exception`` can be excluded. pybreaker counts an excluded exception as a
    success, so excluding Ctrl-C would let an interrupted trial call close the breaker; left
    alone, pybreaker counts it as a failure, the lesser evil.
    """
    return isinstance(error, Exception) and not is_service_failure(error)


class _Shielded(pybreaker.CircuitBreakerListener):
    """Runs a listener so that its exceptions are logged, never seen by pybreaker.

    pybreaker calls listeners bare: a ``state_change`` that raises keeps the breaker closed
    for ever (the transition is abandoned half-way), and a ``success`` that raises turns a
    good answer into an error for the caller.
    """

    def __init__(self, listener: pybreaker.CircuitBreakerListener) -> None:
        self._listener = listener

    def before_call(self, cb: pybreaker.CircuitBreaker, func: Callable[..., Any], *args: Any,
                    **kwargs: Any) -> None:
        self._safely("before_call", cb, func, *args, **kwargs)

    def failure(self, cb: pybreaker.CircuitBreaker, exc: BaseException) -> None:
        self._safely("failure", cb, exc)

    def success(self, cb: pybreaker.CircuitBreaker) -> None:
        self._safely("success", cb)

    def state_change(self, cb: pybreaker.CircuitBreaker, old_state: Any, new_state: Any) -> None:
        self._safely("state_change", cb, old_state, new_state)

    def _safely(self, event: str, *args: Any, **kwargs: Any) -> None:
        try:
            getattr(self._listener, event)(*args, **kwargs)
        except Exception:
            log.exception("listener %r failed on %s; the breaker carries on", self._listener,
                          event)


class OpenTimer(pybreaker.CircuitBreakerListener):
    """A listener that tells how long until its breaker admits a trial call.

    ``pybreaker.CircuitBreakerError`` carries a message and nothing else: no breaker name,
    no ``retry_after``. This listener notes when the breaker opened and for how long, so a
    caller that was rejected can still say "try again in 12 s" (the kata's ``retry_after``).

    ``clock`` should be the clock the *library* judges by. pybreaker compares
    ``datetime.now(UTC)`` with the moment it opened, so the default is ``time.time``: with
    ``time.monotonic`` this timer would disagree with pybreaker whenever the wall clock
    jumps. One timer per breaker.
    """

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self._clock = clock
        self._reopens_at: float | None = None  # clock time of the next trial, while open

    def state_change(self, cb: pybreaker.CircuitBreaker, old_state: Any, new_state: Any) -> None:
        """Only the transition into OPEN starts the countdown; any other state ends it."""
        if new_state.name == pybreaker.STATE_OPEN:
            self._reopens_at = self._clock() + cb.reset_timeout
        else:
            self._reopens_at = None

    def retry_after(self) -> float:
        """Seconds until the breaker admits a trial call: 0 unless it is open and waiting."""
        if self._reopens_at is None:
            return 0.0
        return max(0.0, self._reopens_at - self._clock())


# -- the retry: tenacity ------------------------------------------------------------------------

def make_retrying(*, attempts: int = 3, base_delay: float = 0.1, max_delay: float = 10.0,
                  sleep: Callable[[float], None] = time.sleep,
                  wall_clock: Callable[[], float] = time.time) -> tenacity.Retrying:
    """A ``tenacity.Retrying`` with lesson 2's rules: ``make_retrying(...)(func, *args)``.

    * ``retry``: only transient outcomes, raised (``retry_if_exception``) or returned
      (``retry_if_result``). tenacity's default retries every exception, a 404 included.
    * ``wait``: the server's ``Retry-After`` on a 429/503, else full jitter,
      ``uniform(0, min(max_delay, base_delay * 2**k))``: that is ``wait_random_exponential``.
    * ``stop``: after ``attempts`` calls, or at once when the server asks for longer than
      ``max_delay``. Counting attempts needs no clock; ``stop_after_delay`` would read
      ``time.monotonic`` directly, which no injected ``sleep`` moves.
    * the end: the caller gets the last outcome as it was. tenacity's default raises its own
      ``RetryError``; ``reraise=True`` fixes that for exceptions only, a returned 503 would
      still become ``RetryError``. ``retry_error_callback`` covers both.
    * ``sleep``: injected, never ``time.sleep`` for real.
    """
    _check_retry_settings(attempts, base_delay, max_delay)
    full_jitter = tenacity.wait_random_exponential(multiplier=base_delay, max=max_delay)
    return tenacity.Retrying(
        retry=tenacity.retry_if_exception(is_transient) | tenacity.retry_if_result(is_transient),
        wait=RetryAfterOr(full_jitter, wall_clock=wall_clock),
        stop=tenacity.stop_after_attempt(attempts) | AskedToWaitLongerThan(max_delay),
        sleep=sleep,
        retry_error_callback=_last_outcome,
    )


def _check_retry_settings(attempts: int, base_delay: float, max_delay: float) -> None:
    """tenacity checks none of them: ``stop_after_attempt(0)`` still makes one call."""
    _require(attempts >= 1, "attempts", attempts, "at least 1")
    _require(base_delay >= 0, "base_delay", base_delay, "0 or more")
    _require(max_delay >= 0, "max_delay", max_delay, "0 or more")


def _outcome(retry_state: tenacity.RetryCallState) -> object:
    """What the last attempt produced: the exception it raised, or the value it returned."""
    future = retry_state.outcome
    assert future is not None, "tenacity asks for a wait only after an attempt"
    return future.exception() if future.failed else future.result()


class RetryAfterOr(tenacity.wait.wait_base):
    """Wait what a 429/503 asked for in ``Retry-After``; otherwise ask ``fallback``."""

    def __init__(self, fallback: tenacity.wait.wait_base, *,
                 wall_clock: Callable[[], float]) -> None:
        self._fallback = fallback
        self._wall_clock = wall_clock

    def __call__(self, retry_state: tenacity.RetryCallState) -> float:
        asked = retry_after_seconds(_outcome(retry_state), self._wall_clock)
        return asked if asked is not None else self._fallback(retry_state)


class AskedToWaitLongerThan(tenacity.stop.stop_base):
    """Stop when the next wait would be longer than ``max_delay``.

    tenacity 9 computes the wait before it asks ``stop``, and keeps it in
    ``retry_state.upcoming_sleep``. Full jitter never exceeds the cap, so only a server's
    ``Retry-After`` can: waiting exactly ``max_delay`` is still fine.
    """

    def __init__(self, max_delay: float) -> None:
        self._max_delay = max_delay

    def __call__(self, retry_state: tenacity.RetryCallState) -> bool:
        return retry_state.upcoming_sleep > self._max_delay


def _last_outcome(retry_state: tenacity.RetryCallState) -> object:
    """When tenacity gives up: the last value returned, or the last exception raised again,
    the very same object (so the caller sees the 503, never a ``RetryError``)."""
    assert retry_state.outcome is not None
    return retry_state.outcome.result()


def _require(valid: bool, setting: str, value: object, rule: str) -> None:
    """Raise ValueError naming the setting, its value and the rule it breaks."""
    if not valid:
        raise ValueError(f"{setting} must be {rule}, got {value!r}")
