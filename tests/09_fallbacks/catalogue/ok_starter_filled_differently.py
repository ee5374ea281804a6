"""Correct, built differently: the starter filled in, with expiry deadlines, recursion and a sentinel."""

from __future__ import annotations

import enum
import functools
import threading
import time
from dataclasses import dataclass
from typing import Any, Callable, Hashable, Iterable, Protocol, TypeVar

import requests

T = TypeVar("T")

ACCEPTED = True


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
        HALF_OPEN happens when the next call is admitted (CURRICULUM §4)."""
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
# The learner's part, written another way than the reference.
# =============================================================================================

Fallback = Callable[..., Any]
_NOTHING = object()


class _Default:
    def __init__(self, value: Any) -> None:
        self._value = value

    def __call__(self, error: BaseException, *args: Any, **kwargs: Any) -> Any:
        return self._value


def default(value: T) -> Callable[..., T]:
    return _Default(value)


class LastGoodCache:
    """Stores the moment each answer expires instead of the moment it was recorded."""

    def __init__(self, max_age: float, *, clock: Callable[[], float] = time.monotonic) -> None:
        if not max_age >= 0:
            raise ValueError("max_age cannot be negative")
        self._max_age = max_age
        self._clock = clock
        self._lock = threading.RLock()
        self._expiry: dict[Any, float] = {}
        self._answer: dict[Any, Any] = {}

    @staticmethod
    def _key(args: tuple, kwargs: dict) -> Any:
        return (args, tuple(sorted(kwargs.items())))

    def record(self, value: Any, *args: Any, **kwargs: Any) -> None:
        key = self._key(args, kwargs)
        with self._lock:
            self._answer[key] = value
            self._expiry[key] = self._clock() + self._max_age

    def __call__(self, error: BaseException, *args: Any, **kwargs: Any) -> Any:
        key = self._key(args, kwargs)
        with self._lock:
            expires = self._expiry.get(key)
            if expires is None or self._clock() >= expires:
                raise CacheMiss(key)
            return self._answer[key]


def alternate(func: Callable[..., T]) -> Callable[..., T]:
    return lambda error, *args, **kwargs: func(*args, **kwargs)


def chain(*fallbacks: Fallback) -> Fallback:
    if len(fallbacks) == 0:
        raise ValueError("nothing to chain")
    first, rest = fallbacks[0], fallbacks[1:]
    if not rest:
        return first

    def tried(error: BaseException, *args: Any, **kwargs: Any) -> Any:
        try:
            return first(error, *args, **kwargs)
        except Exception:
            pass
        return chain(*rest)(error, *args, **kwargs)

    return tried


class Recorder(Protocol):
    def record(self, value: Any, *args: Any, **kwargs: Any) -> None: ...


def with_fallback(breaker: CircuitBreaker, func: Callable[..., T], fallback: Fallback, *,
                  cache: Recorder | None = None) -> Callable[..., T]:
    def guarded(*args: Any, **kwargs: Any) -> T:
        result, reason = _NOTHING, None
        try:
            result = breaker.call(func, *args, **kwargs)
        except CircuitOpenError as rejected:
            reason = rejected
        except Exception as error:
            if isinstance(error, CircuitOpenError) or not breaker.is_failure(error):
                raise
            reason = error
        if reason is None:
            if cache is not None and not breaker.is_failure_result(result):
                cache.record(result, *args, **kwargs)
            return result
        try:
            answer = fallback(reason, *args, **kwargs)
        except Exception as failure:
            raise FallbackFailed(reason, failure) from failure
        return answer

    return guarded
