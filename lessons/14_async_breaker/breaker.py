"""Lesson 14: lesson 7's failure-rate breaker, for asyncio.

This file hands you lesson 7's breaker, working: the sliding window (``CountWindow``), the
settings and their validation, the verdicts (``_record_closed``, ``_record_trial``), the
transitions (``_switch``), and the two ways a call ends: ``_complete`` (an outcome, judged)
and ``_release`` (no outcome: give a half-open permit back). Those do not change under
asyncio. What is left, marked ``# TODO`` and raising ``NotImplementedError``, is the part
that meets the event loop:

1. ``_admit``: let a call in, or raise CircuitOpenError (no ``await`` between check and take);
2. ``call``: await the protected coroutine function and decide how the call ended
   (an outcome? a cancellation? the breaker's own ``call_timeout``?);
3. ``__call__``: the ``@breaker`` decorator for ``async def`` functions;
4. ``__aenter__`` / ``__aexit__``: the ``async with breaker:`` form;
5. ``_require_coroutine_function``: refuse a coroutine object or a plain function.

The rules are in this lesson's README.md; ``make check LESSON=14`` grades your work.
"""

from __future__ import annotations

import asyncio
import enum
import functools
import inspect
import time
from types import TracebackType
from typing import Any, Awaitable, Callable, Iterable, TypeVar

import requests

T = TypeVar("T")


# -- the vocabulary shared by lessons 4-14 -----------------------------------------------------


class State(enum.Enum):
    """The three states of a circuit breaker."""

    CLOSED = "closed"  #: calls flow; their outcomes are recorded in the window
    OPEN = "open"  #: calls are rejected without reaching the service
    HALF_OPEN = "half_open"  #: a few trial calls decide whether the service is back


class CircuitOpenError(Exception):
    """A call was rejected: the breaker did not let it reach the service.

    ``retry_after`` is how many seconds remain until a trial call will be admitted (0 while
    the trial calls are in flight and their verdict is pending).
    """

    def __init__(self, name: str, retry_after: float) -> None:
        super().__init__(f"circuit {name!r} is open; a trial call is allowed in "
                         f"{retry_after:.3f} s")
        self.name = name
        self.retry_after = retry_after


def is_failure_by_default(error: BaseException) -> bool:
    """Whether a raised exception says the *service* is unhealthy.

    Connection errors and timeouts (those of ``requests`` and the built-in ``ConnectionError``
    and ``TimeoutError`` that asyncio code raises, ``asyncio.timeout`` included) and HTTP
    errors with a 5xx status count; a 4xx (the caller's mistake, such as a 404) and business
    exceptions are answers, not failures.
    """
    if isinstance(error, (requests.ConnectionError, requests.Timeout, ConnectionError,
                          TimeoutError)):
        return True
    if isinstance(error, requests.HTTPError):
        response = error.response
        return response is not None and response.status_code >= 500
    return False


def is_failure_result_by_default(result: object) -> bool:
    """Whether a returned value says the service is unhealthy: a response with status >= 500."""
    return isinstance(result, requests.Response) and result.status_code >= 500


# -- the sliding window (lesson 7) ------------------------------------------------------------


class CountWindow:
    """The outcomes of the last ``size`` calls, in O(1) time per call and O(size) memory.

    A ring buffer with running totals; the outcome about to be overwritten is subtracted
    first ("subtract on evict", as Resilience4j's FixedSizeSlidingWindowMetrics does).
    """

    def __init__(self, size: int) -> None:
        if isinstance(size, bool) or not isinstance(size, int) or size < 1:
            raise ValueError(f"a window holds at least 1 outcome, got size={size!r}")
        self.size = size
        self.clear()

    def record(self, failed: bool) -> None:
        """Add one outcome; once the window is full, the oldest outcome leaves it."""
        slot = self._next
        if self._total == self.size:
            self._failures -= self._failed[slot]  # subtract on evict
        else:
            self._total += 1
        self._failed[slot] = 1 if failed else 0
        self._failures += self._failed[slot]
        self._next = slot + 1 if slot + 1 < self.size else 0

    @property
    def total(self) -> int:
        """How many outcomes the window holds (at most ``size``)."""
        return self._total

    @property
    def failures(self) -> int:
        """How many of those outcomes are failures."""
        return self._failures

    @property
    def failure_rate(self) -> float | None:
        """Failures as a percentage of the outcomes in the window; ``None`` when it is empty."""
        if self._total == 0:
            return None
        return self._failures * 100.0 / self._total

    def clear(self) -> None:
        """Forget every outcome."""
        self._failed = bytearray(self.size)
        self._next = 0
        self._total = 0
        self._failures = 0


def rate_reached(failures: int, total: int, threshold: float) -> bool:
    """Whether ``failures`` out of ``total`` is at least ``threshold`` percent (inclusive),
    compared without a division so that rounding never decides a verdict."""
    return failures * 100 >= threshold * total


# -- the breaker ----------------------------------------------------------------------------


class CircuitBreaker:
    """Lesson 7's failure-rate breaker, guarding coroutine functions on one event loop.

    Defaults are Resilience4j's (``CircuitBreakerConfig``): failureRateThreshold 50,
    slidingWindowSize 100, minimumNumberOfCalls 100, waitDurationInOpenState 60 s,
    permittedNumberOfCallsInHalfOpenState 10. ``call_timeout`` (seconds, or ``None`` for no
    timeout) bounds each call made through ``call`` or the decorator, *inside* the breaker.
    """

    def __init__(self, failure_rate_threshold: float = 50.0, window_size: int = 100,
                 minimum_calls: int = 100, recovery_timeout: float = 60.0,
                 half_open_max_calls: int = 10, call_timeout: float | None = None,
                 exclude: Iterable[type[BaseException]] = (),
                 is_failure: Callable[[BaseException], bool] = is_failure_by_default,
                 is_failure_result: Callable[[object], bool] = is_failure_result_by_default,
                 on_state_change: Callable[[State, State], None] | None = None,
                 *, name: str = "breaker", clock: Callable[[], float] = time.monotonic) -> None:
        _require(_is_number(failure_rate_threshold) and 0 < failure_rate_threshold <= 100,
                 "failure_rate_threshold", failure_rate_threshold, "a percentage in (0, 100]")
        _require(_is_count(window_size), "window_size", window_size, "an int >= 1")
        _require(_is_count(minimum_calls), "minimum_calls", minimum_calls, "an int >= 1")
        _require(_is_number(recovery_timeout) and recovery_timeout >= 0, "recovery_timeout",
                 recovery_timeout, "a number of seconds >= 0")
        _require(_is_count(half_open_max_calls), "half_open_max_calls", half_open_max_calls,
                 "an int >= 1")
        _require(call_timeout is None or (_is_number(call_timeout) and call_timeout >= 0),
                 "call_timeout", call_timeout, "None or a number of seconds >= 0")
        self.name = name
        self.failure_rate_threshold = float(failure_rate_threshold)
        self.window_size = window_size
        self.minimum_calls = min(minimum_calls, window_size)  # a larger one could never be met
        self.recovery_timeout = float(recovery_timeout)
        self.half_open_max_calls = half_open_max_calls
        self.call_timeout = None if call_timeout is None else float(call_timeout)
        self._exclude = tuple(exclude)
        self._is_failure = is_failure
        self._is_failure_result = is_failure_result
        self._on_state_change = on_state_change
        self._clock = clock

        self._state = State.CLOSED
        self._window = CountWindow(window_size)
        self._opened_at = 0.0
        self._trials = CountWindow(half_open_max_calls)  # outcomes of this HALF_OPEN's trials
        self._trials_admitted = 0  # permits taken in this HALF_OPEN (given back on release)
        # Bumped on every transition. A call's ticket is the epoch it was admitted in; a
        # result from an earlier epoch (a call admitted while CLOSED that returns after the
        # breaker opened) is dropped: it can neither close, nor re-open, nor prolong anything.
        self._epoch = 0

    # -- what callers see -------------------------------------------------------------------

    @property
    def state(self) -> State:
        """The current state. After ``recovery_timeout`` it may still read OPEN until the next
        call arrives: that call is admitted as a trial (the switch is lazy)."""
        return self._state

    @property
    def failure_rate(self) -> float | None:
        """The failure rate (percent) over the window, or ``None`` while it holds fewer than
        ``minimum_calls`` outcomes. In OPEN and HALF_OPEN it shows the window that tripped the
        breaker; closing empties it."""
        if self._window.total < self.minimum_calls:
            return None
        return self._window.failure_rate

    async def call(self, func: Callable[..., Awaitable[T]], *args: Any, **kwargs: Any) -> T:
        """Await ``func(*args, **kwargs)`` through the breaker.

        Returns its result or raises its exception unchanged; raises
        :class:`CircuitOpenError` without calling ``func`` when the breaker rejects the call,
        and ``TypeError`` (before anything else happens) unless ``func`` is a coroutine
        function.
        """
        # TODO: refuse what is not a coroutine function, admit the call (its ticket), await
        # func(*args, **kwargs) with call_timeout applied *inside* the breaker, and end the
        # call exactly once: an outcome (self._complete) or none (self._release). Which
        # endings are which, and what reaches the caller: the README's rules table.
        raise NotImplementedError("CircuitBreaker.call")

    def __call__(self, func: Callable[..., Awaitable[T]]) -> Callable[..., Awaitable[T]]:
        """The decorator form: ``@breaker`` on an ``async def`` routes every call through
        ``call``; the decorated function is a coroutine function too."""
        # TODO: refuse a non-coroutine function at once; return an ``async def`` wrapper
        # (functools.wraps) that awaits self.call(func, *args, **kwargs).
        raise NotImplementedError("CircuitBreaker.__call__")

    async def __aenter__(self) -> CircuitBreaker:
        """``async with breaker:`` admits the block as one call (or raises CircuitOpenError
        from the ``async with`` line, and the block does not run)."""
        # TODO: admit the block (self._admit()) and keep its ticket where __aexit__ of *this
        # task* finds it: many tasks can be inside blocks of one breaker at once, so not on
        # self (a contextvars.ContextVar, or a dict keyed by asyncio.current_task()).
        raise NotImplementedError("CircuitBreaker.__aenter__")

    async def __aexit__(self, kind: type[BaseException] | None, error: BaseException | None,
                        traceback: TracebackType | None) -> bool:
        """The block's outcome: a normal exit is a success, an ``Exception`` is judged like
        one raised by a call, anything else (a cancellation) is no outcome. Never suppresses."""
        # TODO: take back the ticket of this task's block; then a normal exit, an Exception
        # and anything else (a cancellation) each end the call their own way. Return False:
        # never swallow the block's exception.
        raise NotImplementedError("CircuitBreaker.__aexit__")

    # -- admission: no await between the check and the take ---------------------------------

    def _admit(self) -> int:
        """Let a call through (returning its ticket, the current epoch) or raise
        CircuitOpenError. A plain method: nothing can run between its check and its take."""
        # TODO: in OPEN, reject until recovery_timeout has passed since self._opened_at
        # (CircuitOpenError(self.name, seconds left)), then self._switch(State.HALF_OPEN);
        # in HALF_OPEN, reject once self._trials_admitted reaches half_open_max_calls
        # (retry_after 0.0), else take a permit (self._trials_admitted += 1). Return
        # self._epoch, the call's ticket.
        raise NotImplementedError("CircuitBreaker._admit")

    # -- outcomes ---------------------------------------------------------------------------

    def _counts_as_failure(self, error: Exception) -> bool:
        if isinstance(error, self._exclude):
            return False
        return self._is_failure(error)

    def _complete(self, ticket: int, *, failed: bool) -> None:
        """Record the outcome of a call admitted with ``ticket``, if that state still holds."""
        if ticket != self._epoch:
            return  # a late result: its state is gone
        if self._state is State.CLOSED:
            self._record_closed(failed)
        elif self._state is State.HALF_OPEN:
            self._record_trial(failed)

    def _release(self, ticket: int) -> None:
        """A call ended without an outcome: give back its trial permit, if it held one."""
        if ticket == self._epoch and self._state is State.HALF_OPEN:
            self._trials_admitted -= 1

    def _record_closed(self, failed: bool) -> None:
        """Record a CLOSED call's outcome and open if the rate is reached (every outcome is
        judged: the success that completes ``minimum_calls`` can reveal a rate over it)."""
        self._window.record(failed)
        if self._window.total >= self.minimum_calls and rate_reached(
                self._window.failures, self._window.total, self.failure_rate_threshold):
            self._switch(State.OPEN)

    def _record_trial(self, failed: bool) -> None:
        """Record a trial's outcome; once ``half_open_max_calls`` trials completed, their
        failure rate decides: at or above the threshold re-opens, below it closes."""
        self._trials.record(failed)
        if self._trials.total < self.half_open_max_calls:
            return
        if rate_reached(self._trials.failures, self._trials.total, self.failure_rate_threshold):
            self._switch(State.OPEN)
        else:
            self._switch(State.CLOSED)

    # -- transitions ------------------------------------------------------------------------

    def _switch(self, new: State) -> None:
        """Move to ``new``, prepare what that state starts with, and tell the listener."""
        old, self._state = self._state, new
        self._epoch += 1
        if new is State.OPEN:
            self._opened_at = self._clock()  # only entering OPEN stamps the open time
        elif new is State.HALF_OPEN:
            self._trials.clear()
            self._trials_admitted = 0
        elif new is State.CLOSED:
            self._window.clear()  # closing starts an empty window
        if self._on_state_change is not None:
            self._on_state_change(old, new)

    def __repr__(self) -> str:
        return f"CircuitBreaker(name={self.name!r}, state={self._state.value})"


def _require_coroutine_function(func: object, where: str) -> None:
    """Refuse anything but a coroutine function, before it can run or be counted."""
    # TODO: a coroutine function passes; anything else raises TypeError. A coroutine object
    # (inspect.iscoroutine) will never run: close() it first.
    raise NotImplementedError("_require_coroutine_function")


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _is_count(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 1


def _require(condition: bool, setting: str, value: object, wanted: str) -> None:
    if not condition:
        raise ValueError(f"{setting} must be {wanted}, got {value!r}")
