"""Lesson 9: fallbacks, what the caller gets instead when a call cannot be served.

The top half of this file is a working circuit breaker (lessons 4-6): nothing to write there,
but read ``CircuitBreaker.is_failure`` and ``is_failure_result``, which you will need.
Your part is the bottom half, marked ``# TODO``: the fallback strategies and ``with_fallback``.
The rules are in this lesson's README.md; ``make check LESSON=9`` grades your work.
"""

from __future__ import annotations

import enum
import functools
import threading
import time
from dataclasses import dataclass
from typing import Any, Callable, Hashable, Iterable, Protocol, TypeVar

import requests

T = TypeVar("T")


# =============================================================================================
# The baseline breaker (lessons 4-6). Given to the learner, working; nothing to write here.
# =============================================================================================


class State(enum.Enum):
    """The three states of a circuit breaker."""

    CLOSED = "closed"
    OPEN = "open"
    HALF_OPEN = "half_open"


class CircuitOpenError(Exception):
    """Raised instead of calling the service when the breaker rejects a call.

    ``name`` is the breaker's name; ``retry_after`` the seconds (0 or more) until a trial call
    will be admitted.
    """

    def __init__(self, name: str, retry_after: float) -> None:
        super().__init__(f"circuit {name!r} is open; a trial call is allowed in "
                         f"{retry_after:.1f}s")
        self.name = name
        self.retry_after = retry_after


def is_failure_by_default(error: BaseException) -> bool:
    """Connection errors, timeouts and 5xx HTTP errors count; anything else is an answer."""
    if isinstance(error, requests.HTTPError):
        response = error.response
        return response is not None and response.status_code >= 500
    return isinstance(error, (requests.ConnectionError, requests.Timeout))


def is_failure_result_by_default(result: object) -> bool:
    """A returned ``requests.Response`` with a 5xx status counts as a failure."""
    return isinstance(result, requests.Response) and result.status_code >= 500


@dataclass(frozen=True)
class _Ticket:
    """What an admitted call carries until it finishes: when it was admitted, and as what."""

    generation: int  # the breaker's transition count at admission
    trial: bool  # admitted as a half-open trial


class CircuitBreaker:
    """A count-based, thread-safe circuit breaker (the lesson-6 breaker).

    CLOSED counts consecutive failures and opens at ``failure_threshold``. OPEN rejects calls
    with :class:`CircuitOpenError` until ``recovery_timeout`` seconds have passed; then up to
    ``half_open_max_calls`` trial calls run at once (HALF_OPEN): any trial failure re-opens,
    ``success_threshold`` trial successes close. A result that arrives after the breaker
    changed state (a late call admitted before the change) is ignored.
    """

    def __init__(self, failure_threshold: int = 5, recovery_timeout: float = 30.0,
                 success_threshold: int = 2, *,
                 exclude: Iterable[type[BaseException]] = (),
                 is_failure: Callable[[BaseException], bool] = is_failure_by_default,
                 is_failure_result: Callable[[object], bool] = is_failure_result_by_default,
                 half_open_max_calls: int = 1,
                 on_state_change: Callable[[State, State], None] | None = None,
                 name: str = "breaker",
                 clock: Callable[[], float] = time.monotonic) -> None:
        _require(failure_threshold >= 1, f"failure_threshold must be >= 1, got {failure_threshold!r}")
        _require(recovery_timeout >= 0, f"recovery_timeout must be >= 0, got {recovery_timeout!r}")
        _require(success_threshold >= 1, f"success_threshold must be >= 1, got {success_threshold!r}")
        _require(half_open_max_calls >= 1,
                 f"half_open_max_calls must be >= 1, got {half_open_max_calls!r}")
        self.failure_threshold = failure_threshold
        self.recovery_timeout = recovery_timeout
        self.success_threshold = success_threshold
        self.half_open_max_calls = half_open_max_calls
        self.name = name
        self._exclude = tuple(exclude)
        self._is_failure = is_failure
        self._is_failure_result = is_failure_result
        self._on_state_change = on_state_change
        self._clock = clock
        self._lock = threading.Lock()
        self._state = State.CLOSED
        self._generation = 0
        self._failures = 0
        self._trial_successes = 0
        self._trials_in_flight = 0
        self._opened_at = 0.0

    # -- what the breaker tells its callers ---------------------------------------------------

    @property
    def state(self) -> State:
        """The stored state. After ``recovery_timeout`` it may still read OPEN: the switch to
        HALF_OPEN happens when the next call is admitted (lessons/CONVENTIONS.md)."""
        with self._lock:
            return self._state

    @property
    def failure_count(self) -> int:
        """Consecutive failures counted while CLOSED."""
        with self._lock:
            return self._failures

    def is_failure(self, error: BaseException) -> bool:
        """Whether this breaker counts ``error`` as a failure of the service.

        Excluded types never count; otherwise the ``is_failure`` predicate decides. A
        rejection is not a failure: with the default predicate this says False for a
        ``CircuitOpenError``, so handle rejections before asking.
        """
        if not isinstance(error, Exception) or isinstance(error, self._exclude):
            return False
        return self._is_failure(error)

    def is_failure_result(self, result: object) -> bool:
        """Whether this breaker counts a returned value as a failure (a 503 returned)."""
        return self._is_failure_result(result)

    # -- calling through the breaker ----------------------------------------------------------

    def call(self, func: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run ``func(*args, **kwargs)`` through the breaker.

        Returns its result or raises its exception unchanged; raises ``CircuitOpenError``
        without calling ``func`` when the call is rejected.
        """
        ticket = self._admit()
        try:
            result = func(*args, **kwargs)
        except Exception as error:
            self._finish(ticket, failed=self.is_failure(error))
            raise
        except BaseException:
            # Ctrl-C, SystemExit, cancellation: neither a failure nor a success.
            self._finish(ticket, failed=None)
            raise
        self._finish(ticket, failed=self.is_failure_result(result))
        return result

    def __call__(self, func: Callable[..., T]) -> Callable[..., T]:
        """The decorator form: ``@breaker`` runs every call of ``func`` through :meth:`call`."""

        @functools.wraps(func)
        def guarded(*args: Any, **kwargs: Any) -> T:
            return self.call(func, *args, **kwargs)

        return guarded

    # -- the state machine (every change happens under the lock) -----------------------------

    def _admit(self) -> _Ticket:
        changes: list[tuple[State, State]] = []
        try:
            with self._lock:
                if self._state is State.OPEN:
                    waited = self._clock() - self._opened_at
                    if waited < self.recovery_timeout:
                        raise CircuitOpenError(self.name, self.recovery_timeout - waited)
                    self._move_to(State.HALF_OPEN, changes)
                if self._state is State.HALF_OPEN:
                    if self._trials_in_flight >= self.half_open_max_calls:
                        raise CircuitOpenError(self.name, 0.0)
                    self._trials_in_flight += 1
                    return _Ticket(self._generation, trial=True)
                return _Ticket(self._generation, trial=False)
        finally:
            self._announce(changes)

    def _finish(self, ticket: _Ticket, failed: bool | None) -> None:
        """Record how an admitted call ended: failed, succeeded, or neither (``None``)."""
        changes: list[tuple[State, State]] = []
        with self._lock:
            if ticket.generation != self._generation:
                return  # a late result from before the last state change: ignore it
            if ticket.trial:
                self._trials_in_flight -= 1
                if failed:
                    self._move_to(State.OPEN, changes)
                elif failed is False:
                    self._trial_successes += 1
                    if self._trial_successes >= self.success_threshold:
                        self._move_to(State.CLOSED, changes)
            elif failed:
                self._failures += 1
                if self._failures >= self.failure_threshold:
                    self._move_to(State.OPEN, changes)
            elif failed is False:
                self._failures = 0
        self._announce(changes)

    def _move_to(self, new: State, changes: list[tuple[State, State]]) -> None:
        """Switch state, reset what the new state counts, note the change (lock held)."""
        changes.append((self._state, new))
        self._state = new
        self._generation += 1
        self._failures = 0
        self._trial_successes = 0
        self._trials_in_flight = 0
        if new is State.OPEN:
            self._opened_at = self._clock()

    def _announce(self, changes: list[tuple[State, State]]) -> None:
        """Tell the listener about each change, outside the lock (it may read the breaker)."""
        if self._on_state_change is not None:
            for old, new in changes:
                self._on_state_change(old, new)


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise ValueError(message)


class FallbackFailed(Exception):
    """The call failed (or was rejected) *and* its fallback failed too.

    ``original`` is the call's error (a ``CircuitOpenError`` or the failure);
    ``fallback_error`` is what the fallback raised. Raised ``from fallback_error``, so the
    traceback shows both.
    """

    def __init__(self, original: BaseException, fallback_error: BaseException) -> None:
        super().__init__(f"the fallback failed with {type(fallback_error).__name__}: "
                         f"{fallback_error} (after the call failed with "
                         f"{type(original).__name__}: {original})")
        self.original = original
        self.fallback_error = fallback_error


class CacheMiss(LookupError):
    """A ``LastGoodCache`` has no answer young enough for these arguments."""


# =============================================================================================
# Fallbacks: your part. Every function below raises NotImplementedError until you write it.
# =============================================================================================

#: A fallback strategy: called with the call's error and the call's own arguments, it returns
#: the answer to give instead, or raises when it has none.
Fallback = Callable[..., Any]


def default(value: T) -> Callable[..., T]:
    """A fallback that always answers ``value`` (the very same object), whatever happened.

    >>> guest = {"name": "guest"}
    >>> default(guest)(TimeoutError("slow"), 42) is guest
    True
    """
    # TODO: return a function (error, *args, **kwargs) -> value.
    raise NotImplementedError("default")


class LastGoodCache:
    """Remembers the last good answer per call arguments; serves it while it is fresh.

    Two roles, one object:

    * ``cache.record(value, *args, **kwargs)``: a successful call with these arguments
      answered ``value``. ``with_fallback(..., cache=cache)`` calls it after every success,
      and only then. A newer answer replaces an older one.
    * ``cache(error, *args, **kwargs)``: the fallback. Returns the last answer recorded for
      exactly these arguments (``get_user(1)`` and ``get_user(2)`` are different entries, and
      so are ``get_user(1)`` and ``get_user(1, fields="name")``) if its age is below
      ``max_age``; otherwise raises :class:`CacheMiss`. Serving an answer does not make it
      any younger.

    Age is ``clock() - (the clock time when the answer was recorded)``; an answer is fresh
    while ``age < max_age`` and stale from ``age == max_age`` on. ``max_age`` below 0 raises
    ``ValueError``. Arguments must be hashable (they make the key).
    """

    def __init__(self, max_age: float, *, clock: Callable[[], float] = time.monotonic) -> None:
        # TODO: validate max_age, keep the clock, and choose where the answers live.
        raise NotImplementedError("LastGoodCache")

    def record(self, value: Any, *args: Any, **kwargs: Any) -> None:
        """Remember ``value`` as the latest good answer for these arguments, stamped now."""
        # TODO
        raise NotImplementedError("LastGoodCache.record")

    def __call__(self, error: BaseException, *args: Any, **kwargs: Any) -> Any:
        """The fallback: the last good answer for these arguments if still fresh, else
        raise ``CacheMiss``."""
        # TODO
        raise NotImplementedError("LastGoodCache.__call__")


def alternate(func: Callable[..., T]) -> Callable[..., T]:
    """A fallback that asks another service: ``func(*args, **kwargs)``, with the call's own
    arguments (the error is not passed on). Whatever ``func`` raises is the fallback's
    failure."""
    # TODO
    raise NotImplementedError("alternate")


def chain(*fallbacks: Fallback) -> Fallback:
    """A fallback that tries each fallback in turn and answers with the first that answers.

    - Every fallback receives the *call's* error and arguments (not the previous fallback's
      error); the ones after the first answer are not called.
    - When every fallback raises (an ``Exception``), the last one's error is raised.
    - ``chain()`` with no fallback raises ``ValueError``.
    """
    # TODO
    raise NotImplementedError("chain")


class Recorder(Protocol):
    """Anything that can remember a good answer, such as a :class:`LastGoodCache`."""

    def record(self, value: Any, *args: Any, **kwargs: Any) -> None: ...


def with_fallback(breaker: CircuitBreaker, func: Callable[..., T], fallback: Fallback, *,
                  cache: Recorder | None = None) -> Callable[..., T]:
    """Wrap ``func``: each call runs through ``breaker``, and falls back when it cannot be served.

    Returns ``guarded(*args, **kwargs)``, which:

    - runs ``breaker.call(func, *args, **kwargs)``;
    - on success returns the result, and records it with ``cache.record(result, *args,
      **kwargs)`` when a cache was given and the breaker does not judge the result a failure
      (``breaker.is_failure_result(result)``);
    - when the call is rejected (``CircuitOpenError``) or fails with an error the breaker
      counts (``breaker.is_failure(error)``), returns ``fallback(error, *args, **kwargs)``;
    - lets every other exception through unchanged, without a fallback: a 404 is an answer;
    - when the fallback raises an ``Exception``, raises ``FallbackFailed(error,
      fallback_error)`` *from* the fallback's error.

    The fallback runs outside the breaker, after ``breaker.call`` has returned or raised.
    """
    # TODO
    raise NotImplementedError("with_fallback")
