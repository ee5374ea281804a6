"""Lesson 6 reference: a thread-safe circuit breaker.

The breaker of lessons 4-5 (count-based, with failure classification and the decorator form),
made safe for many request threads sharing one breaker, plus two settings:
``half_open_max_calls`` (how many trial calls may be in flight at once in HALF_OPEN) and
``on_state_change`` (a listener told about every transition exactly once).

How it is built, in two layers:

* ``_Status`` is everything the breaker knows, **frozen**. Its methods are pure: given the
  current status, an event and the time, they return the next status. No threads, no clock,
  no listener in there, so each rule can be read (and tested) on its own.
* ``CircuitBreaker`` is a thin shell that holds one ``_Status`` in ``self._status`` and
  replaces it. Every replacement is a *read, decide, write* sequence, and that sequence is the
  only thing the lock protects. Everything foreign -- the protected call, the clock, the
  failure predicates, the listener -- runs outside the lock: a slow or misbehaving callable
  can then neither serialise the callers nor call back into the breaker and deadlock it.

Late results: every transition starts a new *epoch* (a number in the status). A call
remembers the status it was admitted under; when it finishes after its epoch is over (a call
admitted while CLOSED that fails after the breaker opened), its result changes nothing.
"""

from __future__ import annotations

import enum
import functools
import math
import threading
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
    HALF_OPEN = "half_open"  # a few trial calls decide between CLOSED and OPEN again


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


class _Outcome(enum.Enum):
    """How one finished call is recorded."""

    SUCCESS = "success"  # returned a good value, or raised a non-failure (404, business error)
    FAILURE = "failure"  # raised a failure, or returned a value judged a failure
    NEITHER = "neither"  # raised a BaseException such as KeyboardInterrupt: not a verdict


# Module-level names for the members used on every call: looking a member up on an Enum class
# (``State.CLOSED``) costs about 50 ns, a global name about 5 ns, and the hot path does it
# several times per call (see the README's performance note).
CLOSED, OPEN, HALF_OPEN = State.CLOSED, State.OPEN, State.HALF_OPEN
SUCCESS, FAILURE, NEITHER = _Outcome.SUCCESS, _Outcome.FAILURE, _Outcome.NEITHER


@dataclass(frozen=True, slots=True)
class _Settings:
    failure_threshold: int
    recovery_timeout: float
    success_threshold: int
    half_open_max_calls: int


@dataclass(frozen=True, slots=True)
class _Status:
    """Everything the breaker knows at one moment. Frozen: a change is a new ``_Status``."""

    state: State = CLOSED
    epoch: int = 0           # +1 at every transition; a result from an older epoch is late
    failures: int = 0        # CLOSED: consecutive failures so far
    opened_at: float = 0.0   # clock time of the latest transition into OPEN
    trials: int = 0          # HALF_OPEN: trial calls in flight (permits taken)
    successes: int = 0       # HALF_OPEN: trial successes so far

    def enter(self, state: State, now: float) -> _Status:
        """A transition: a new epoch with every counter at zero."""
        opened_at = now if state is OPEN else self.opened_at
        return _Status(state=state, epoch=self.epoch + 1, opened_at=opened_at)

    def admit(self, now: float, settings: _Settings) -> _Status | None:
        """The status after admitting one more call at ``now``, or None to reject it.

        The returned status is also the call's ticket: its epoch says which stay in which
        state the call belongs to.
        """
        status = self
        if status.state is OPEN:
            if now - status.opened_at < settings.recovery_timeout:
                return None
            status = status.enter(HALF_OPEN, now)
        if status.state is HALF_OPEN:
            if status.trials >= settings.half_open_max_calls:
                return None
            return replace(status, trials=status.trials + 1)  # take a permit
        return status

    def complete(self, admitted: _Status, outcome: _Outcome, now: float,
                 settings: _Settings) -> _Status:
        """The status after a call admitted under ``admitted`` finished with ``outcome``."""
        if admitted.epoch != self.epoch:
            return self  # a late result: the epoch it belongs to is over
        if self.state is HALF_OPEN:
            return self._complete_trial(outcome, now, settings)
        return self._complete_closed(outcome, now, settings)

    def _complete_trial(self, outcome: _Outcome, now: float, settings: _Settings) -> _Status:
        if outcome is FAILURE:
            return self.enter(OPEN, now)  # any trial failure re-opens, timer restarts
        released = replace(self, trials=self.trials - 1)  # every other outcome frees the permit
        if outcome is NEITHER:
            return released
        if self.successes + 1 >= settings.success_threshold:
            return self.enter(CLOSED, now)
        return replace(released, successes=self.successes + 1)

    def _complete_closed(self, outcome: _Outcome, now: float, settings: _Settings) -> _Status:
        if outcome is FAILURE:
            if self.failures + 1 >= settings.failure_threshold:
                return self.enter(OPEN, now)
            return replace(self, failures=self.failures + 1)
        if outcome is SUCCESS and self.failures:
            return replace(self, failures=0)  # a success ends the streak
        return self

    def retry_after(self, now: float, settings: _Settings) -> float:
        """Seconds until a trial call could be admitted (0 while trials are in flight)."""
        if self.state is not OPEN:
            return 0.0
        remaining = self.opened_at + settings.recovery_timeout - now
        return min(max(remaining, 0.0), settings.recovery_timeout)


class CircuitBreaker:
    """A thread-safe count-based circuit breaker.

    >>> breaker = CircuitBreaker(failure_threshold=3, recovery_timeout=30.0)
    >>> breaker.call(lambda: "hello")
    'hello'

    ``half_open_max_calls`` trial calls may be in flight at once in HALF_OPEN; any other caller
    is rejected at once with ``CircuitOpenError``. ``on_state_change(old, new)`` is called once
    per transition, after the breaker's lock is released, so it may read the breaker freely.
    """

    def __init__(self, failure_threshold: int = 5, recovery_timeout: float = 30.0,
                 success_threshold: int = 2, *, half_open_max_calls: int = 1,
                 exclude: Iterable[type[BaseException]] = (),
                 is_failure: Callable[[BaseException], bool] = is_failure_by_default,
                 is_failure_result: Callable[[object], bool] = is_failure_result_by_default,
                 on_state_change: Listener | None = None,
                 name: str = "breaker", clock: Callable[[], float] = time.monotonic) -> None:
        self._settings = _Settings(
            failure_threshold=_at_least_one("failure_threshold", failure_threshold),
            recovery_timeout=_duration("recovery_timeout", recovery_timeout),
            success_threshold=_at_least_one("success_threshold", success_threshold),
            half_open_max_calls=_at_least_one("half_open_max_calls", half_open_max_calls))
        self._exclude = _exception_types(exclude)
        self._is_failure = _callable("is_failure", is_failure)
        self._is_failure_result = _callable("is_failure_result", is_failure_result)
        self._on_state_change = None if on_state_change is None else \
            _callable("on_state_change", on_state_change)
        self._name = name
        self._clock = _callable("clock", clock)
        # The one piece of shared mutable state, and the lock that guards replacing it.
        self._status = _Status()
        self._lock = threading.Lock()

    # -- what callers see ------------------------------------------------------------------

    @property
    def name(self) -> str:
        return self._name

    @property
    def state(self) -> State:
        """The state as last recorded (OPEN may already be due for a trial: see README)."""
        return self._status.state  # one read of one reference: atomic, no lock needed

    @property
    def failure_count(self) -> int:
        """Consecutive failures counted while CLOSED."""
        return self._status.failures

    def call(self, func: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run ``func(*args, **kwargs)`` through the breaker (no lock held while it runs)."""
        admitted = self._admit()
        outcome = NEITHER  # what a BaseException leaves behind: permit back, no verdict
        try:
            result = func(*args, **kwargs)
        except Exception as error:
            outcome = FAILURE  # and it stays one if the predicate itself raises
            if not self._counts_as_failure(error):
                outcome = SUCCESS
            raise
        else:
            outcome = FAILURE
            if not self._is_failure_result(result):
                outcome = SUCCESS
            return result
        finally:
            self._complete(admitted, outcome)

    def __call__(self, func: Callable[..., T]) -> Callable[..., T]:
        """Decorator form: ``@breaker`` runs every call of ``func`` through ``call``."""
        @functools.wraps(func)
        def guarded(*args: Any, **kwargs: Any) -> T:
            return self.call(func, *args, **kwargs)
        return guarded

    # -- the shell: read, decide, write -----------------------------------------------------

    def _admit(self) -> _Status:
        """Admit the caller (returning its ticket) or raise CircuitOpenError."""
        status = self._status
        if status.state is CLOSED:
            return status  # admitting while CLOSED changes nothing, so there is nothing to lock
        now = self._clock()  # foreign code: called before taking the lock, never under it
        with self._lock:
            before = self._status  # re-read under the lock: it may have changed since
            after = before.admit(now, self._settings)
            if after is not None:
                self._status = after
        if after is None:
            raise CircuitOpenError(self._name, before.retry_after(now, self._settings))
        self._announce(before, after)
        return after

    def _complete(self, admitted: _Status, outcome: _Outcome) -> None:
        """Record a finished call, in the epoch it was admitted in."""
        # The common case needs no lock: a success, in a CLOSED breaker with no failures, and
        # nothing has happened since admission. Decided on one atomic read of self._status,
        # and it changes nothing, so there is nothing to write (and a write needs the lock).
        if outcome is SUCCESS and admitted is self._status and not admitted.failures \
                and admitted.state is CLOSED:
            return
        now = self._clock()
        with self._lock:
            before = self._status
            after = before.complete(admitted, outcome, now, self._settings)
            self._status = after
        self._announce(before, after)

    def _announce(self, before: _Status, after: _Status) -> None:
        """Tell the listener about a transition, outside the lock.

        Each transition is made by exactly one thread (the one whose write changed the state),
        so each is announced exactly once.
        """
        if after.state is not before.state and self._on_state_change is not None:
            self._on_state_change(before.state, after.state)

    def _counts_as_failure(self, error: Exception) -> bool:
        return not isinstance(error, self._exclude) and bool(self._is_failure(error))

    def __repr__(self) -> str:
        status = self._status
        return f"CircuitBreaker(name={self._name!r}, state={status.state.value}, " \
               f"failures={status.failures})"


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
