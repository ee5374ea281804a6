"""Lesson 9 reference: fallbacks, what the caller gets instead when a call cannot be served.

The module has two halves:

* the **baseline breaker** (given in the starter, unchanged here): the count-based, thread-safe
  breaker of lessons 4-6 with lesson 5's failure classification, plus two public questions
  this lesson needs: ``breaker.is_failure(error)`` and ``breaker.is_failure_result(value)``;
* the **fallbacks** (what the learner writes): strategies that are small callables
  ``fallback(error, *args, **kwargs) -> answer`` (``default``, ``LastGoodCache``, ``alternate``,
  ``chain``) and ``with_fallback``, which puts a breaker and a fallback around a function.

The rule that ties them together: fall back when the dependency is *unavailable* (the breaker
rejected the call, or the call failed in a way the breaker counts), never when the dependency
*answered* (a 404 is the answer). The fallback runs outside the breaker, so nothing it does
changes the breaker's counts.
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
# Fallbacks: what the lesson is about.
# =============================================================================================

#: A fallback strategy: called with the call's error and the call's own arguments, it returns
#: the answer to give instead, or raises when it has none.
Fallback = Callable[..., Any]


def default(value: T) -> Callable[..., T]:
    """A fallback that always answers ``value`` (the very same object), whatever happened."""

    def answer_default(error: BaseException, *args: Any, **kwargs: Any) -> T:
        return value

    return answer_default


def _key(args: tuple[Any, ...], kwargs: dict[str, Any]) -> Hashable:
    """One cache key per distinct call: positional arguments plus keyword arguments."""
    return args, frozenset(kwargs.items())


class LastGoodCache:
    """Remembers the last good answer per call arguments; serves it while it is fresh.

    Two roles, one object:

    * ``cache.record(value, *args, **kwargs)``: a successful call answered ``value``
      (``with_fallback(..., cache=cache)`` calls it after every success, and only then);
    * ``cache(error, *args, **kwargs)``: the fallback. Returns the last recorded answer for
      these arguments if its age (now minus the time it was recorded) is below ``max_age``,
      else raises :class:`CacheMiss`. Serving an answer does not make it younger.

    Fresh means ``age < max_age``, as in HTTP caching (RFC 9111 §4.2: fresh while
    ``freshness_lifetime > current_age``). Arguments must be hashable.
    """

    def __init__(self, max_age: float, *, clock: Callable[[], float] = time.monotonic) -> None:
        if max_age < 0:
            raise ValueError(f"max_age must be >= 0 seconds, got {max_age!r}")
        self.max_age = max_age
        self._clock = clock
        self._lock = threading.Lock()
        self._entries: dict[Hashable, tuple[float, Any]] = {}  # key -> (recorded at, answer)

    def record(self, value: Any, *args: Any, **kwargs: Any) -> None:
        """Remember ``value`` as the latest good answer for these arguments, stamped now."""
        with self._lock:
            self._entries[_key(args, kwargs)] = (self._clock(), value)

    def __call__(self, error: BaseException, *args: Any, **kwargs: Any) -> Any:
        """The fallback: the last good answer for these arguments, if still fresh."""
        key = _key(args, kwargs)
        with self._lock:
            entry = self._entries.get(key)
            now = self._clock()
            if entry is not None and now - entry[0] >= self.max_age:
                del self._entries[key]  # stale for good: forget it
                entry = None
        if entry is None:
            raise CacheMiss(f"no answer younger than {self.max_age}s for {_shown_call(args, kwargs)}")
        return entry[1]


def _shown_call(args: tuple[Any, ...], kwargs: dict[str, Any]) -> str:
    parts = [repr(a) for a in args] + [f"{k}={v!r}" for k, v in kwargs.items()]
    return f"({', '.join(parts)})"


def alternate(func: Callable[..., T]) -> Callable[..., T]:
    """A fallback that asks another service: ``func(*args, **kwargs)`` with the call's own
    arguments (not the error). Whatever ``func`` raises is the fallback's failure."""

    def ask_alternate(error: BaseException, *args: Any, **kwargs: Any) -> T:
        return func(*args, **kwargs)

    return ask_alternate


def chain(*fallbacks: Fallback) -> Fallback:
    """A fallback that tries each fallback in turn and answers with the first that answers.

    Every fallback gets the *call's* error and arguments (not the previous fallback's error).
    When every one of them raises, the last one's error is raised. At least one is needed.
    """
    if not fallbacks:
        raise ValueError("chain() needs at least one fallback")

    def first_answer(error: BaseException, *args: Any, **kwargs: Any) -> Any:
        for fallback in fallbacks[:-1]:
            try:
                return fallback(error, *args, **kwargs)
            except Exception:
                continue  # this one has no answer: try the next
        return fallbacks[-1](error, *args, **kwargs)  # the last one's error is the chain's

    return first_answer


class Recorder(Protocol):
    """Anything that can remember a good answer, such as a :class:`LastGoodCache`."""

    def record(self, value: Any, *args: Any, **kwargs: Any) -> None: ...


def with_fallback(breaker: CircuitBreaker, func: Callable[..., T], fallback: Fallback, *,
                  cache: Recorder | None = None) -> Callable[..., T]:
    """Wrap ``func``: each call runs through ``breaker``, and falls back when it cannot be served.

    ``guarded(*args, **kwargs)``:

    * success: returns ``func``'s result and, if the breaker does not judge the result a
      failure, records it with ``cache.record(result, *args, **kwargs)``;
    * rejected (``CircuitOpenError``) or failed (``breaker.is_failure(error)``): returns
      ``fallback(error, *args, **kwargs)``;
    * any other exception (a 404, a business error): raised unchanged, no fallback;
    * the fallback raises: ``FallbackFailed(error, fallback_error)`` is raised from it.

    The fallback runs *outside* the breaker: what it does never touches the breaker's counts.
    """

    @functools.wraps(func)
    def guarded(*args: Any, **kwargs: Any) -> T:
        try:
            result = breaker.call(func, *args, **kwargs)
        except CircuitOpenError as rejection:
            return _fall_back(fallback, rejection, args, kwargs)
        except Exception as error:
            if not breaker.is_failure(error):
                raise  # the service answered (a 404 is an answer): not ours to replace
            return _fall_back(fallback, error, args, kwargs)
        if cache is not None and not breaker.is_failure_result(result):
            cache.record(result, *args, **kwargs)
        return result

    return guarded


def _fall_back(fallback: Fallback, error: Exception, args: tuple[Any, ...],
               kwargs: dict[str, Any]) -> Any:
    """Ask the fallback; if it fails too, raise one error that carries both causes."""
    try:
        return fallback(error, *args, **kwargs)
    except Exception as fallback_error:
        raise FallbackFailed(error, fallback_error) from fallback_error
