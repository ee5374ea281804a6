"""Lesson 6: make the breaker thread safe.

This file hands you the breaker of lessons 4-5, working and correct for ONE caller at a time:
count-based, with failure classification (``exclude``, ``is_failure``, ``is_failure_result``)
and the decorator form. It is built in two layers:

* ``_Status`` is everything the breaker knows, frozen. Its methods are pure: given the current
  status, an event and the time, they return the next status.
* ``CircuitBreaker`` is a thin shell that keeps one ``_Status`` in ``self._status`` and replaces
  it: read the status, ask it what comes next, write the answer back.

In a real service one breaker is shared by every request thread. Your job (the README has the
rules, ``make check LESSON=6`` grades them):

1. make every read-decide-write of ``self._status`` atomic, without holding a lock while the
   protected call (or any other code you do not own) runs;
2. add ``half_open_max_calls``: at most that many trial calls in flight in HALF_OPEN, every
   other caller rejected at once with ``CircuitOpenError``; a trial always gives its permit
   back, however it ends (a success, a failure, a non-failure exception, a BaseException);
3. add ``on_state_change(old, new)``: called exactly once per transition; it may read the
   breaker (``breaker.state``...) without deadlocking it;
4. make late results harmless: a call admitted while CLOSED that finishes after the breaker
   opened neither re-opens it, nor extends the open period, nor closes it.

Look for ``TODO (lesson 6)``. The three ``raise NotImplementedError`` lines mark the new parts.
"""

from __future__ import annotations

import enum
import functools
import math
import time
from dataclasses import dataclass, replace
from typing import Any, Callable, Iterable, TypeVar

import requests

T = TypeVar("T")
Listener = Callable[["State", "State"], None]


class State(enum.Enum):
    """The three states of a circuit breaker."""

    CLOSED = "closed"        # calls go through; consecutive failures are counted
    OPEN = "open"            # calls are rejected until recovery_timeout has passed
    HALF_OPEN = "half_open"  # trial calls decide between CLOSED and OPEN again


class CircuitOpenError(Exception):
    """Raised instead of calling the service while the breaker rejects calls."""

    def __init__(self, name: str, retry_after: float) -> None:
        self.name = name
        self.retry_after = retry_after
        super().__init__(f"circuit breaker {name!r} is open; a trial call will be admitted "
                         f"in {retry_after:.3g} s")


def is_failure_by_default(error: BaseException) -> bool:
    """Whether a raised exception says the *service* is unwell.

    Connection errors and timeouts do, and so does an HTTPError carrying a 5xx response.
    A 4xx (404 Not Found, 409 Conflict) is an answer from a healthy service, and a business
    exception is the caller's own affair: neither counts.
    """
    if isinstance(error, (requests.ConnectionError, requests.Timeout)):
        return True
    if isinstance(error, requests.HTTPError):
        response = error.response
        return response is not None and response.status_code >= 500
    return False


def is_failure_result_by_default(result: object) -> bool:
    """Whether a *returned* value is a failure: a ``requests.Response`` with a 5xx status."""
    return isinstance(result, requests.Response) and result.status_code >= 500


@dataclass(frozen=True)
class _Settings:
    failure_threshold: int
    recovery_timeout: float
    success_threshold: int
    half_open_max_calls: int


@dataclass(frozen=True)
class _Status:
    """Everything the breaker knows at one moment. Frozen: a change is a new ``_Status``.

    TODO (lesson 6): add what the new rules need to remember, e.g. how many trial calls are in
    flight, and something that tells a late result (from a call admitted before the latest
    transition) from a current one.
    """

    state: State = State.CLOSED
    failures: int = 0       # CLOSED: consecutive failures so far
    opened_at: float = 0.0  # clock time of the latest transition into OPEN
    successes: int = 0      # HALF_OPEN: trial successes so far

    def enter(self, state: State, now: float) -> _Status:
        """A transition: every counter starts again at zero."""
        opened_at = now if state is State.OPEN else self.opened_at
        return _Status(state=state, opened_at=opened_at)

    def admit(self, now: float, settings: _Settings) -> _Status | None:
        """The status after admitting one more call at ``now``, or None to reject it."""
        status = self
        if status.state is State.OPEN:
            if now - status.opened_at < settings.recovery_timeout:
                return None
            status = status.enter(State.HALF_OPEN, now)
        if status.state is State.HALF_OPEN:
            # TODO (lesson 6): admit at most settings.half_open_max_calls trial calls in
            # flight at once (take a permit, in the status you return); return None for any
            # other caller, so that it is rejected at once.
            raise NotImplementedError("_Status.admit: half-open permits")
        return status

    def after_call(self, failed: bool, now: float, settings: _Settings) -> _Status:
        """The status after a call finished, as a failure (``failed``) or a success.

        TODO (lesson 6): a trial gives its permit back however it ended; a result that belongs
        to an earlier epoch (a late result) changes nothing.
        """
        if self.state is State.HALF_OPEN:
            if failed:
                return self.enter(State.OPEN, now)  # any trial failure re-opens
            if self.successes + 1 >= settings.success_threshold:
                return self.enter(State.CLOSED, now)
            return replace(self, successes=self.successes + 1)
        if failed:
            if self.failures + 1 >= settings.failure_threshold:
                return self.enter(State.OPEN, now)
            return replace(self, failures=self.failures + 1)
        return replace(self, failures=0)  # a success ends the streak

    def retry_after(self, now: float, settings: _Settings) -> float:
        """Seconds until a trial call could be admitted (0 while trials are in flight)."""
        if self.state is not State.OPEN:
            return 0.0
        remaining = self.opened_at + settings.recovery_timeout - now
        return min(max(remaining, 0.0), settings.recovery_timeout)


class CircuitBreaker:
    """A count-based circuit breaker, to be shared safely by many threads."""

    def __init__(self, failure_threshold: int = 5, recovery_timeout: float = 30.0,
                 success_threshold: int = 2, *, half_open_max_calls: int = 1,
                 exclude: Iterable[type[BaseException]] = (),
                 is_failure: Callable[[BaseException], bool] = is_failure_by_default,
                 is_failure_result: Callable[[object], bool] = is_failure_result_by_default,
                 on_state_change: Listener | None = None,
                 name: str = "breaker", clock: Callable[[], float] = time.monotonic) -> None:
        """Validate every setting: an invalid one raises ValueError (0 never means a default)."""
        failure_threshold = _at_least_one("failure_threshold", failure_threshold)
        recovery_timeout = _duration("recovery_timeout", recovery_timeout)
        success_threshold = _at_least_one("success_threshold", success_threshold)
        self._exclude = _exception_types(exclude)
        self._is_failure = _callable("is_failure", is_failure)
        self._is_failure_result = _callable("is_failure_result", is_failure_result)
        self._name = name
        self._clock = _callable("clock", clock)
        self._status = _Status()
        # TODO (lesson 6): validate half_open_max_calls (an int of at least 1: _at_least_one
        # does it), keep on_state_change (None or a callable) for _announce, create the lock
        # that guards self._status, and store the settings:
        #     self._settings = _Settings(failure_threshold, recovery_timeout,
        #                                success_threshold, half_open_max_calls)
        raise NotImplementedError("CircuitBreaker.__init__: half_open_max_calls, "
                                  "on_state_change and the lock")

    # -- what callers see ------------------------------------------------------------------

    @property
    def name(self) -> str:
        return self._name

    @property
    def state(self) -> State:
        """The state as last recorded (OPEN may already be due for a trial: see README)."""
        return self._status.state

    @property
    def failure_count(self) -> int:
        """Consecutive failures counted while CLOSED."""
        return self._status.failures

    def call(self, func: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run ``func(*args, **kwargs)`` through the breaker.

        Returns its result or raises its exception unchanged; raises ``CircuitOpenError``
        without calling ``func`` when the breaker rejects the call.

        TODO (lesson 6): a BaseException that is not an Exception (KeyboardInterrupt...) is
        neither a failure nor a success, but a trial it interrupts must still give back its
        permit. And the shell must know which status (epoch) the call was admitted under.
        """
        self._admit()
        try:
            result = func(*args, **kwargs)
        except Exception as error:
            self._record(failed=self._counts_as_failure(error))
            raise
        self._record(failed=bool(self._is_failure_result(result)))
        return result

    def __call__(self, func: Callable[..., T]) -> Callable[..., T]:
        """Decorator form: ``@breaker`` runs every call of ``func`` through ``call``."""
        @functools.wraps(func)
        def guarded(*args: Any, **kwargs: Any) -> T:
            return self.call(func, *args, **kwargs)
        return guarded

    # -- the shell: read, decide, write -----------------------------------------------------

    def _admit(self) -> None:
        """Admit the caller, or raise CircuitOpenError.

        TODO (lesson 6): this is a read (self._status), a decision (admit, which also asks the
        clock), and a write. Two threads doing it at once both decide from the same status.
        """
        before = self._status
        after = before.admit(self._clock(), self._settings)
        if after is None:
            raise CircuitOpenError(self._name, before.retry_after(self._clock(), self._settings))
        self._status = after
        self._announce(before, after)

    def _record(self, failed: bool) -> None:
        """Record a finished call.

        TODO (lesson 6): the same read-decide-write as _admit; and the result must be judged in
        the epoch the call was admitted in (late results change nothing).
        """
        before = self._status
        after = before.after_call(failed, self._clock(), self._settings)
        self._status = after
        self._announce(before, after)

    def _announce(self, before: _Status, after: _Status) -> None:
        """Tell ``on_state_change`` about a transition from ``before`` to ``after``, if any.

        TODO (lesson 6): exactly once per transition. Where it runs matters: the listener may
        read ``breaker.state`` -- what happens if it is called while your lock is held?
        """
        raise NotImplementedError("_announce")

    def _counts_as_failure(self, error: Exception) -> bool:
        return not isinstance(error, self._exclude) and bool(self._is_failure(error))


# -- validation: invalid settings fail at construction, and 0 never means "the default" ----

def _at_least_one(name: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"{name} must be an int of at least 1, got {value!r}")
    return value


def _duration(name: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) \
            or not math.isfinite(value) or value < 0:
        raise ValueError(f"{name} must be a finite number of seconds >= 0, got {value!r}")
    return float(value)


def _callable(name: str, value: Any) -> Any:
    if not callable(value):
        raise ValueError(f"{name} must be callable, got {value!r}")
    return value


def _exception_types(types: Iterable[type[BaseException]]) -> tuple[type[BaseException], ...]:
    result = tuple(types)
    for kind in result:
        if not (isinstance(kind, type) and issubclass(kind, BaseException)):
            raise ValueError(f"exclude must list exception types, got {kind!r}")
    return result
