"""Lesson 7: a circuit breaker that judges a failure *rate* over a sliding window.

This file hands you a working breaker (the state machine of lessons 4-6: CLOSED / OPEN /
HALF_OPEN, rejection with CircuitOpenError, the lazy switch to HALF_OPEN, failure
classification, a lock, on_state_change). What is left to write, marked ``# TODO`` and raising
``NotImplementedError``:

1. ``CountWindow``: the outcomes of the last ``size`` calls, in O(1) time per call;
2. ``CircuitBreaker._record_closed``: record a CLOSED call's outcome, open on the rate;
3. ``CircuitBreaker._record_trial``: judge the HALF_OPEN trial calls by their failure rate;
4. ``CircuitBreaker.failure_rate``: the rate the breaker sees, or None below the minimum.

The rules are in this lesson's README.md; ``make check LESSON=7`` grades your work.
"""

from __future__ import annotations

import enum
import functools
import threading
import time
from typing import Any, Callable, Iterable, TypeVar

import requests

T = TypeVar("T")


# -- the vocabulary shared by lessons 4-11 -----------------------------------------------------


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

    Connection errors, timeouts and HTTP errors with a 5xx status count; a 4xx (the caller's
    mistake, such as a 404) and business exceptions are answers, not failures.
    """
    if isinstance(error, (requests.ConnectionError, requests.Timeout)):
        return True
    if isinstance(error, requests.HTTPError):
        response = error.response
        return response is not None and response.status_code >= 500
    return False


def is_failure_result_by_default(result: object) -> bool:
    """Whether a returned value says the service is unhealthy: a response with status >= 500."""
    return isinstance(result, requests.Response) and result.status_code >= 500


# -- the sliding window ---------------------------------------------------------------------


class CountWindow:
    """The outcomes of the last ``size`` calls, in O(1) time per call and O(size) memory.

    - ``record(failed)`` adds one outcome; once the window holds ``size`` outcomes, the
      *oldest* one leaves it as the new one arrives.
    - ``total`` is how many outcomes the window holds (never more than ``size``), ``failures``
      how many of them failed, ``failure_rate`` the failures as a percentage of ``total``
      (a float such as 40.0), or ``None`` while the window is empty.
    - ``clear()`` forgets everything.

    The catch: a breaker records an outcome and reads the rate on *every* call, and windows of
    100,000 calls exist. Neither ``record`` nor ``failure_rate`` may walk the whole window
    (no ``sum()`` over a list, no ``list.pop(0)``, which shifts every element), and memory
    must stay bounded by ``size``, however many calls the window has seen.

        >>> window = CountWindow(3)
        >>> for failed in (True, False, False, False):
        ...     window.record(failed)
        >>> window.total, window.failures, window.failure_rate   # the first failure slid out
        (3, 0, 0.0)
    """

    def __init__(self, size: int) -> None:
        if isinstance(size, bool) or not isinstance(size, int) or size < 1:
            raise ValueError(f"a window holds at least 1 outcome, got size={size!r}")
        self.size = size
        # TODO: set up your storage here: room for `size` outcomes, and whatever running
        # totals let `record` and `failure_rate` work without walking the whole window.

    def record(self, failed: bool) -> None:
        """Add one outcome; once the window is full, the oldest outcome leaves it."""
        # TODO: write the outcome over the oldest one once the window is full, and keep
        # your running totals right (what leaves must be subtracted).
        raise NotImplementedError("CountWindow.record")

    @property
    def total(self) -> int:
        """How many outcomes the window holds (at most ``size``)."""
        raise NotImplementedError("CountWindow.total")  # TODO

    @property
    def failures(self) -> int:
        """How many of those outcomes are failures."""
        raise NotImplementedError("CountWindow.failures")  # TODO

    @property
    def failure_rate(self) -> float | None:
        """Failures as a percentage of the outcomes in the window; ``None`` when it is empty."""
        raise NotImplementedError("CountWindow.failure_rate")  # TODO

    def clear(self) -> None:
        """Forget every outcome (the breaker calls this when it closes)."""
        raise NotImplementedError("CountWindow.clear")  # TODO


def rate_reached(failures: int, total: int, threshold: float) -> bool:
    """Whether ``failures`` out of ``total`` is at least ``threshold`` percent (inclusive).

    Compared as ``failures * 100 >= threshold * total`` rather than through a division, so that
    rounding can never decide a verdict (``29 / 100 * 100`` is 28.999999999999996).
    """
    return failures * 100 >= threshold * total


# -- the breaker ----------------------------------------------------------------------------


class CircuitBreaker:
    """A circuit breaker that opens on the failure rate of the last ``window_size`` calls.

    Defaults are Resilience4j's (``CircuitBreakerConfig``): failureRateThreshold 50,
    slidingWindowSize 100, minimumNumberOfCalls 100, waitDurationInOpenState 60 s,
    permittedNumberOfCallsInHalfOpenState 10.
    """

    def __init__(self, failure_rate_threshold: float = 50.0, window_size: int = 100,
                 minimum_calls: int = 100, recovery_timeout: float = 60.0,
                 half_open_max_calls: int = 10,
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
        self.name = name
        self.failure_rate_threshold = float(failure_rate_threshold)
        self.window_size = window_size
        # The window never holds more than window_size outcomes, so a larger minimum could
        # never be met: like Resilience4j's count-based window, the minimum is capped.
        self.minimum_calls = min(minimum_calls, window_size)
        self.recovery_timeout = float(recovery_timeout)
        self.half_open_max_calls = half_open_max_calls
        self._exclude = tuple(exclude)
        self._is_failure = is_failure
        self._is_failure_result = is_failure_result
        self._on_state_change = on_state_change
        self._clock = clock

        self._lock = threading.Lock()
        self._state = State.CLOSED
        self._window = CountWindow(window_size)
        self._opened_at = 0.0
        self._trials = CountWindow(half_open_max_calls)  # outcomes of this HALF_OPEN's trials
        self._trials_admitted = 0
        # Bumped on every transition. A call remembers the epoch it was admitted in; a result
        # from an earlier epoch (a slow call admitted while CLOSED that returns after the
        # breaker opened) is dropped: it can neither close, nor re-open, nor prolong anything.
        self._epoch = 0
        self._pending: list[tuple[State, State]] = []  # transitions to announce

    # -- what callers see -------------------------------------------------------------------

    @property
    def state(self) -> State:
        """The current state. After ``recovery_timeout`` it may still read OPEN until the next
        call arrives: that call is admitted as a trial (the switch is lazy)."""
        with self._lock:
            return self._state

    @property
    def failure_rate(self) -> float | None:
        """The failure rate (percent) over the window, or ``None`` while it holds fewer than
        ``minimum_calls`` outcomes. In OPEN and HALF_OPEN it shows the window that tripped the
        breaker; closing empties it (``_switch`` calls ``self._window.clear()``)."""
        # TODO: read it under self._lock; self.minimum_calls is already capped at window_size.
        raise NotImplementedError("CircuitBreaker.failure_rate")

    def call(self, func: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run ``func(*args, **kwargs)`` through the breaker.

        Returns its result or raises its exception unchanged; raises
        :class:`CircuitOpenError` without calling ``func`` when the breaker rejects the call.
        """
        epoch = self._admit()
        try:
            result = func(*args, **kwargs)
        except Exception as error:
            self._judge(epoch, self._counts_as_failure, error)
            raise
        except BaseException:
            # Ctrl-C, SystemExit: neither a failure nor a success of the service.
            self._abandon(epoch)
            raise
        self._judge(epoch, self._is_failure_result, result)
        return result

    def __call__(self, func: Callable[..., T]) -> Callable[..., T]:
        """The decorator form: ``@breaker`` routes every call of ``func`` through ``call``."""
        @functools.wraps(func)
        def guarded(*args: Any, **kwargs: Any) -> T:
            return self.call(func, *args, **kwargs)
        return guarded

    # -- admission --------------------------------------------------------------------------

    def _admit(self) -> int:
        """Let a call through (returning its epoch) or raise CircuitOpenError."""
        with self._lock:
            if self._state is State.OPEN:
                waited = self._clock() - self._opened_at
                if waited < self.recovery_timeout:
                    raise CircuitOpenError(self.name, self.recovery_timeout - waited)
                self._switch(State.HALF_OPEN)
            if self._state is State.HALF_OPEN:
                if self._trials_admitted >= self.half_open_max_calls:
                    raise CircuitOpenError(self.name, 0.0)
                self._trials_admitted += 1
            epoch = self._epoch
            announce = self._take_pending()
        self._announce(announce)
        return epoch

    # -- recording outcomes -----------------------------------------------------------------

    def _counts_as_failure(self, error: Exception) -> bool:
        if isinstance(error, self._exclude):
            return False
        return self._is_failure(error)

    def _judge(self, epoch: int, predicate: Callable[[Any], bool], outcome: object) -> None:
        """Ask ``predicate`` whether ``outcome`` is a failure, and record the verdict.

        A predicate that raises is a bug in the configuration: the call counts as a failure
        (a broken predicate must neither hide an outage nor leave a trial unfinished) and the
        predicate's exception propagates to the caller.
        """
        try:
            failed = bool(predicate(outcome))
        except Exception:
            self._complete(epoch, failed=True)
            raise
        self._complete(epoch, failed=failed)

    def _complete(self, epoch: int, *, failed: bool) -> None:
        """Record the outcome of a call admitted in ``epoch``, if that state still holds."""
        with self._lock:
            if epoch == self._epoch:
                if self._state is State.CLOSED:
                    self._record_closed(failed)
                elif self._state is State.HALF_OPEN:
                    self._record_trial(failed)
            announce = self._take_pending()
        self._announce(announce)

    def _abandon(self, epoch: int) -> None:
        """A call ended without an outcome: give back its trial permit, if it held one."""
        with self._lock:
            if epoch == self._epoch and self._state is State.HALF_OPEN:
                self._trials_admitted -= 1

    def _record_closed(self, failed: bool) -> None:
        """(Lock held.) Record a CLOSED call's outcome and open if the rate is reached.

        Called by ``_complete`` for every call admitted while CLOSED, ``failed`` already
        classified. Record it in ``self._window``; then, once the window holds at least
        ``self.minimum_calls`` outcomes, open (``self._switch(State.OPEN)``) when the failure
        rate is at or above ``self.failure_rate_threshold`` (inclusive: 50% reaches 50).

        Judge every outcome, successes too: the success that completes the minimum can reveal
        a rate over the threshold. ``rate_reached`` compares without rounding surprises.
        """
        # TODO
        raise NotImplementedError("CircuitBreaker._record_closed")

    def _record_trial(self, failed: bool) -> None:
        """(Lock held.) Record a HALF_OPEN trial's outcome; once every trial completed, decide.

        HALF_OPEN admits ``self.half_open_max_calls`` trial calls; their outcomes go into
        ``self._trials`` (a CountWindow of that size, emptied on entering HALF_OPEN). No
        verdict before the last trial has completed. Then their failure rate decides: at or
        above ``self.failure_rate_threshold`` re-open (``self._switch(State.OPEN)``, which
        restarts the recovery timeout), below it close (``self._switch(State.CLOSED)``, which
        empties the window).
        """
        # TODO
        raise NotImplementedError("CircuitBreaker._record_trial")

    # -- transitions ------------------------------------------------------------------------

    def _switch(self, new: State) -> None:
        """(Lock held.) Move to ``new`` and prepare what that state starts with."""
        old, self._state = self._state, new
        self._epoch += 1
        if new is State.OPEN:
            self._opened_at = self._clock()  # only entering OPEN stamps the open time
        elif new is State.HALF_OPEN:
            self._trials.clear()
            self._trials_admitted = 0
        elif new is State.CLOSED:
            self._window.clear()  # closing starts an empty window
        self._pending.append((old, new))

    def _take_pending(self) -> list[tuple[State, State]]:
        pending, self._pending = self._pending, []
        return pending

    def _announce(self, changes: list[tuple[State, State]]) -> None:
        """Call ``on_state_change`` for each transition, outside the lock (so the listener
        may read the breaker without deadlocking)."""
        if self._on_state_change is not None:
            for old, new in changes:
                self._on_state_change(old, new)

    def __repr__(self) -> str:
        return f"CircuitBreaker(name={self.name!r}, state={self._state.value})"


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _is_count(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 1


def _require(condition: bool, setting: str, value: object, wanted: str) -> None:
    if not condition:
        raise ValueError(f"{setting} must be {wanted}, got {value!r}")
