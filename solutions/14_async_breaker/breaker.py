"""Lesson 14 reference: lesson 7's failure-rate breaker, for asyncio.

The rules are lesson 7's: a failure rate over the last ``window_size`` calls, no verdict
below ``minimum_calls``, ``half_open_max_calls`` trial permits judged by their own rate,
inclusive thresholds, ``CircuitOpenError`` with ``name`` and ``retry_after``, rejections
never counted, a lazy but guaranteed recovery, an injected monotonic clock.

What asyncio changes is *where a call can be interrupted*, and by whom:

* A coroutine runs undisturbed between two ``await`` s: one event loop runs one task at a
  time. So admission (check the state, take a permit) is atomic without any lock, as long as
  there is no ``await`` between the check and the take. ``_admit`` is a plain method: it
  cannot await, and so it cannot be interleaved.
* At every ``await`` inside the protected call, the caller may cancel it. A cancellation
  says nothing about the service's health: it is neither a failure nor a success, it gives
  back a half-open permit, and it propagates unchanged (``CancelledError`` is a
  ``BaseException``, so ``except Exception`` lets it through by design).
* A timeout *inside* the guarded call (``call_timeout``, or ``asyncio.timeout`` inside the
  protected function) reaches the breaker as ``TimeoutError``: a failure. A timeout outside
  the breaker reaches it as a cancellation: invisible, by the rule above.
* Many tasks are inside the breaker at once, so what belongs to one call (its ticket) lives
  in a local variable, or for ``async with`` in a context variable, never on ``self``.

Everything here runs on one event loop; the breaker is not shared across threads.
"""

from __future__ import annotations

import asyncio
import contextvars
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


#: The tickets of the ``async with`` blocks (of any breaker) the current task is inside,
#: innermost last: blocks nest, so the block that exits is always the innermost one. A
#: context variable: every task has its own copy, so two tasks inside blocks of the same
#: breaker never see each other's tickets.
_entered: contextvars.ContextVar[tuple[int, ...]] = \
    contextvars.ContextVar("entered_blocks", default=())


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
        _require_coroutine_function(func, "breaker.call()")
        ticket = self._admit()
        try:
            # Inside the breaker's bookkeeping: when it fires, asyncio.timeout turns the
            # cancellation it caused into TimeoutError as it exits, so the breaker sees a
            # failure. (asyncio.timeout(None) sets no deadline.)
            async with asyncio.timeout(self.call_timeout):
                result = await func(*args, **kwargs)
        except Exception as error:
            self._complete(ticket, failed=self._counts_as_failure(error))
            raise
        except BaseException:
            # CancelledError (the caller gave up), KeyboardInterrupt, SystemExit: nothing is
            # known about the service. Give the permit back, and let it propagate unchanged.
            self._release(ticket)
            raise
        self._complete(ticket, failed=self._is_failure_result(result))
        return result

    def __call__(self, func: Callable[..., Awaitable[T]]) -> Callable[..., Awaitable[T]]:
        """The decorator form: ``@breaker`` on an ``async def`` routes every call through
        ``call``; the decorated function is a coroutine function too."""
        _require_coroutine_function(func, "@breaker")

        @functools.wraps(func)
        async def guarded(*args: Any, **kwargs: Any) -> T:
            return await self.call(func, *args, **kwargs)
        return guarded

    async def __aenter__(self) -> CircuitBreaker:
        """``async with breaker:`` admits the block as one call (or raises CircuitOpenError
        from the ``async with`` line, and the block does not run)."""
        _entered.set(_entered.get() + (self._admit(),))
        return self

    async def __aexit__(self, kind: type[BaseException] | None, error: BaseException | None,
                        traceback: TracebackType | None) -> bool:
        """The block's outcome: a normal exit is a success, an ``Exception`` is judged like
        one raised by a call, anything else (a cancellation) is no outcome. Never suppresses."""
        *outer, ticket = _entered.get()
        _entered.set(tuple(outer))
        if error is None:
            self._complete(ticket, failed=False)
        elif isinstance(error, Exception):
            self._complete(ticket, failed=self._counts_as_failure(error))
        else:
            self._release(ticket)
        return False

    # -- admission: no await between the check and the take ---------------------------------

    def _admit(self) -> int:
        """Let a call through (returning its ticket, the current epoch) or raise
        CircuitOpenError. A plain method: nothing can run between its check and its take."""
        if self._state is State.OPEN:
            waited = self._clock() - self._opened_at
            if waited < self.recovery_timeout:
                raise CircuitOpenError(self.name, self.recovery_timeout - waited)
            self._switch(State.HALF_OPEN)
        if self._state is State.HALF_OPEN:
            if self._trials_admitted >= self.half_open_max_calls:
                raise CircuitOpenError(self.name, 0.0)
            self._trials_admitted += 1
        return self._epoch

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
    if inspect.iscoroutinefunction(func):
        return
    if inspect.iscoroutine(func):
        func.close()  # it will never run: close it, so no "never awaited" warning follows
        problem = "a coroutine object: write breaker.call(fetch, 42), not breaker.call(fetch(42))"
    else:
        problem = f"{func!r}: the breaker awaits the call it guards, so it must start it itself"
    raise TypeError(f"{where} takes a coroutine function (async def), not {problem}")


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _is_count(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 1


def _require(condition: bool, setting: str, value: object, wanted: str) -> None:
    if not condition:
        raise ValueError(f"{setting} must be {wanted}, got {value!r}")
