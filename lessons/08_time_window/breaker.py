"""Lesson 8: a time-based failure-rate window, and slow calls.

This file hands you lesson 7's breaker, working: CLOSED / OPEN / HALF_OPEN, rejection with
CircuitOpenError, the lazy switch to HALF_OPEN, failure classification, a lock,
on_state_change, and the half-open verdict on the trial calls. What is left to write, marked
``# TODO`` and raising ``NotImplementedError``:

1. ``TimeWindow``: the outcomes of the last ``window_seconds``, kept in a fixed number of
   buckets, so that memory never depends on the call rate;
2. ``CircuitBreaker._is_slow``: time a call with the injected clock;
3. ``CircuitBreaker._record_closed``: record an outcome, open on either rate;
4. ``CircuitBreaker.failure_rate`` and ``slow_call_rate``: the rates the breaker sees.

The rules are in this lesson's README.md; ``make check LESSON=8`` grades your work.
"""

from __future__ import annotations

import enum
import functools
import math
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


# -- the time window ------------------------------------------------------------------------


class TimeWindow:
    """Outcomes of the last ``window_seconds``, kept in ``buckets`` fixed slices of time.

    - ``record(failed, slow=False)`` adds one call's outcome at the clock's current time.
    - ``total``, ``failures``, ``slow_calls``: counts over the window *as of now* (reading
      them after a quiet spell must not show outcomes that have aged out).
    - ``failure_rate``, ``slow_call_rate``: percentages of ``total`` (a float such as 40.0),
      or ``None`` while the window is empty.
    - ``clear()`` forgets everything.

    The rules that make it a good window:

    - Memory is a fixed number of buckets, each summarising one slice of
      ``window_seconds / buckets`` seconds, whatever the call rate: never one entry per call.
    - An outcome recorded at time ``t`` counts until at least ``t + window_seconds - width``
      and never at ``t + window_seconds`` or later (it leaves with its whole bucket).
    - After an idle gap, every bucket that has fallen out must be emptied before it is reused
      or read: stale failures must never come back.
    - Catching up after a gap costs at most one pass over the buckets, however long the gap
      (a day of silence is 86,400 one-second buckets, not 86,400 steps).
    """

    def __init__(self, window_seconds: float, buckets: int,
                 clock: Callable[[], float]) -> None:
        if not _is_number(window_seconds) or window_seconds <= 0:
            raise ValueError(f"window_seconds must be > 0, got {window_seconds!r}")
        if not _is_count(buckets):
            raise ValueError(f"buckets must be an int >= 1, got {buckets!r}")
        self.window_seconds = float(window_seconds)
        self.buckets = buckets
        self._clock = clock
        self._width = self.window_seconds / buckets  # seconds per bucket
        # TODO: set up your buckets here (calls, failures and slow calls in each), running
        # totals, and a note of which bucket of time is the newest one.

    def record(self, failed: bool, slow: bool = False) -> None:
        """Add one call's outcome, at the clock's current time."""
        # TODO: first bring the window up to the clock's time, then count the outcome in the
        # bucket that the current time falls into.
        raise NotImplementedError("TimeWindow.record")

    @property
    def total(self) -> int:
        """Calls recorded in the window (as of now)."""
        raise NotImplementedError("TimeWindow.total")  # TODO

    @property
    def failures(self) -> int:
        """Of those, how many failed."""
        raise NotImplementedError("TimeWindow.failures")  # TODO

    @property
    def slow_calls(self) -> int:
        """Of those, how many were slow (failed or not)."""
        raise NotImplementedError("TimeWindow.slow_calls")  # TODO

    @property
    def failure_rate(self) -> float | None:
        """Failures as a percentage of the calls in the window; ``None`` when it is empty."""
        raise NotImplementedError("TimeWindow.failure_rate")  # TODO

    @property
    def slow_call_rate(self) -> float | None:
        """Slow calls as a percentage of the calls in the window; ``None`` when it is empty."""
        raise NotImplementedError("TimeWindow.slow_call_rate")  # TODO

    def clear(self) -> None:
        """Forget every outcome (the breaker calls this when it closes)."""
        raise NotImplementedError("TimeWindow.clear")  # TODO


def rate_reached(count: int, total: int, threshold: float) -> bool:
    """Whether ``count`` out of ``total`` is at least ``threshold`` percent (inclusive).

    Compared as ``count * 100 >= threshold * total`` rather than through a division, so that
    rounding can never decide a verdict.
    """
    return count * 100 >= threshold * total


# -- the breaker ----------------------------------------------------------------------------


class CircuitBreaker:
    """A circuit breaker that opens on the failure rate or the slow-call rate of the last
    ``window_seconds``.

    Defaults are Resilience4j's (``CircuitBreakerConfig``, sliding window type TIME_BASED):
    failureRateThreshold 50, slidingWindowSize 100 (seconds, one bucket per second),
    minimumNumberOfCalls 100, slowCallDurationThreshold 60 s, slowCallRateThreshold 100,
    waitDurationInOpenState 60 s, permittedNumberOfCallsInHalfOpenState 10.
    """

    def __init__(self, failure_rate_threshold: float = 50.0, window_seconds: float = 100.0,
                 window_buckets: int = 100, minimum_calls: int = 100,
                 slow_call_duration: float = 60.0, slow_call_rate_threshold: float = 100.0,
                 recovery_timeout: float = 60.0, half_open_max_calls: int = 10,
                 exclude: Iterable[type[BaseException]] = (),
                 is_failure: Callable[[BaseException], bool] = is_failure_by_default,
                 is_failure_result: Callable[[object], bool] = is_failure_result_by_default,
                 on_state_change: Callable[[State, State], None] | None = None,
                 *, name: str = "breaker", clock: Callable[[], float] = time.monotonic) -> None:
        _require(_is_percentage(failure_rate_threshold), "failure_rate_threshold",
                 failure_rate_threshold, "a percentage in (0, 100]")
        _require(_is_number(window_seconds) and window_seconds > 0, "window_seconds",
                 window_seconds, "a number of seconds > 0")
        _require(_is_count(window_buckets), "window_buckets", window_buckets, "an int >= 1")
        _require(_is_count(minimum_calls), "minimum_calls", minimum_calls, "an int >= 1")
        _require(_is_number(slow_call_duration) and slow_call_duration > 0,
                 "slow_call_duration", slow_call_duration, "a number of seconds > 0")
        _require(_is_percentage(slow_call_rate_threshold), "slow_call_rate_threshold",
                 slow_call_rate_threshold, "a percentage in (0, 100]")
        _require(_is_number(recovery_timeout) and recovery_timeout >= 0, "recovery_timeout",
                 recovery_timeout, "a number of seconds >= 0")
        _require(_is_count(half_open_max_calls), "half_open_max_calls", half_open_max_calls,
                 "an int >= 1")
        self.name = name
        self.failure_rate_threshold = float(failure_rate_threshold)
        self.minimum_calls = minimum_calls  # not capped: a time window has no size in calls
        self.slow_call_duration = float(slow_call_duration)
        self.slow_call_rate_threshold = float(slow_call_rate_threshold)
        self.recovery_timeout = float(recovery_timeout)
        self.half_open_max_calls = half_open_max_calls
        self._exclude = tuple(exclude)
        self._is_failure = is_failure
        self._is_failure_result = is_failure_result
        self._on_state_change = on_state_change
        self._clock = clock

        self._lock = threading.Lock()
        self._state = State.CLOSED
        self._window = TimeWindow(window_seconds, window_buckets, clock)
        self._opened_at = 0.0
        self._trials_admitted = 0  # trial calls let through in this HALF_OPEN period
        self._trials_done = 0  # ... and of those, completed, failed, slow
        self._trials_failed = 0
        self._trials_slow = 0
        # Bumped on every transition; a result from an earlier epoch is dropped (see lesson 7).
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
        """Failure rate (percent) over the last ``window_seconds``, or ``None`` while the
        window holds fewer than ``minimum_calls`` calls."""
        # TODO: read self._window under self._lock
        raise NotImplementedError("CircuitBreaker.failure_rate")

    @property
    def slow_call_rate(self) -> float | None:
        """Slow-call rate (percent) over the last ``window_seconds``, or ``None`` while the
        window holds fewer than ``minimum_calls`` calls."""
        # TODO: read self._window under self._lock
        raise NotImplementedError("CircuitBreaker.slow_call_rate")

    def call(self, func: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run ``func(*args, **kwargs)`` through the breaker, timing it with the clock.

        Returns its result or raises its exception unchanged; raises
        :class:`CircuitOpenError` without calling ``func`` when the breaker rejects the call.
        """
        epoch = self._admit()
        started = self._clock()
        try:
            result = func(*args, **kwargs)
        except Exception as error:
            self._judge(epoch, self._is_slow(started), self._counts_as_failure, error)
            raise
        except BaseException:
            # Ctrl-C, SystemExit: neither a failure nor a success of the service.
            self._abandon(epoch)
            raise
        self._judge(epoch, self._is_slow(started), self._is_failure_result, result)
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

    def _is_slow(self, started: float) -> bool:
        """Whether a call that started at ``started`` (a reading of ``self._clock``) was slow.

        ``call`` asks this right after the protected function returned or raised, whether it
        succeeded or failed. Slow means it took *strictly* longer than
        ``self.slow_call_duration``, measured with the injected clock (never the real one:
        the checks' services take fake seconds). A call that ended exactly at ``started +
        slow_call_duration`` is not slow, whatever ``end - started`` rounds to (see README).
        """
        # TODO
        raise NotImplementedError("CircuitBreaker._is_slow")

    def _judge(self, epoch: int, slow: bool, predicate: Callable[[Any], bool],
               outcome: object) -> None:
        """Ask ``predicate`` whether ``outcome`` is a failure, and record the verdict.

        A predicate that raises is a bug in the configuration: the call counts as a failure
        (a broken predicate must neither hide an outage nor leave a trial unfinished) and the
        predicate's exception propagates to the caller.
        """
        try:
            failed = bool(predicate(outcome))
        except Exception:
            self._complete(epoch, failed=True, slow=slow)
            raise
        self._complete(epoch, failed=failed, slow=slow)

    def _complete(self, epoch: int, *, failed: bool, slow: bool) -> None:
        """Record the outcome of a call admitted in ``epoch``, if that state still holds."""
        with self._lock:
            if epoch == self._epoch:
                if self._state is State.CLOSED:
                    self._record_closed(failed, slow)
                elif self._state is State.HALF_OPEN:
                    self._record_trial(failed, slow)
            announce = self._take_pending()
        self._announce(announce)

    def _abandon(self, epoch: int) -> None:
        """A call ended without an outcome: give back its trial permit, if it held one."""
        with self._lock:
            if epoch == self._epoch and self._state is State.HALF_OPEN:
                self._trials_admitted -= 1

    def _record_closed(self, failed: bool, slow: bool) -> None:
        """(Lock held.) Record a CLOSED call's outcome and open if either rate is reached.

        Record it in ``self._window``; then, once the window holds at least
        ``self.minimum_calls`` calls, open (``self._switch(State.OPEN)``) when the failure
        rate reaches ``self.failure_rate_threshold`` *or* the slow-call rate reaches
        ``self.slow_call_rate_threshold`` (both inclusive). ``self._too_bad`` compares both.
        """
        # TODO
        raise NotImplementedError("CircuitBreaker._record_closed")

    def _record_trial(self, failed: bool, slow: bool) -> None:
        """(Lock held.) Count a trial's outcome; once every trial completed, decide: either
        rate at or above its threshold re-opens, both below close."""
        self._trials_done += 1
        self._trials_failed += failed
        self._trials_slow += slow
        if self._trials_done < self.half_open_max_calls:
            return
        if self._too_bad(self._trials_failed, self._trials_slow, self._trials_done):
            self._switch(State.OPEN)
        else:
            self._switch(State.CLOSED)

    def _too_bad(self, failures: int, slow_calls: int, total: int) -> bool:
        return (rate_reached(failures, total, self.failure_rate_threshold)
                or rate_reached(slow_calls, total, self.slow_call_rate_threshold))

    # -- transitions ------------------------------------------------------------------------

    def _switch(self, new: State) -> None:
        """(Lock held.) Move to ``new`` and prepare what that state starts with."""
        old, self._state = self._state, new
        self._epoch += 1
        if new is State.OPEN:
            self._opened_at = self._clock()  # only entering OPEN stamps the open time
        elif new is State.HALF_OPEN:
            self._trials_admitted = self._trials_done = 0
            self._trials_failed = self._trials_slow = 0
        elif new is State.CLOSED:
            self._window.clear()  # closing starts an empty window
        self._pending.append((old, new))

    def _take_pending(self) -> list[tuple[State, State]]:
        pending, self._pending = self._pending, []
        return pending

    def _announce(self, changes: list[tuple[State, State]]) -> None:
        """Call ``on_state_change`` for each transition, outside the lock."""
        if self._on_state_change is not None:
            for old, new in changes:
                self._on_state_change(old, new)

    def __repr__(self) -> str:
        return f"CircuitBreaker(name={self.name!r}, state={self._state.value})"


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and \
        math.isfinite(value)


def _is_count(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 1


def _is_percentage(value: object) -> bool:
    return _is_number(value) and 0 < value <= 100


def _require(condition: bool, setting: str, value: object, wanted: str) -> None:
    if not condition:
        raise ValueError(f"{setting} must be {wanted}, got {value!r}")
