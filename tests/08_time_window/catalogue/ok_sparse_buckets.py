"""Correct, built differently: a deque of only the non-empty buckets, and one object per call's permit."""

ACCEPTED = True

from collections import deque
from dataclasses import dataclass
from enum import Enum
from functools import wraps
from threading import RLock
from time import monotonic

import requests


class State(Enum):
    CLOSED = "closed"
    OPEN = "open"
    HALF_OPEN = "half_open"


class CircuitOpenError(Exception):
    def __init__(self, name, retry_after):
        self.name = name
        self.retry_after = max(0.0, retry_after)
        super().__init__(f"breaker {name} rejected the call (retry after {self.retry_after}s)")


def is_failure_by_default(error):
    if isinstance(error, requests.HTTPError):
        return getattr(error.response, "status_code", 0) >= 500
    return isinstance(error, (requests.ConnectionError, requests.Timeout))


def is_failure_result_by_default(result):
    return isinstance(result, requests.Response) and result.status_code >= 500


@dataclass
class _Bucket:
    number: int
    calls: int = 0
    failures: int = 0
    slow: int = 0


class TimeWindow:
    """Only buckets that saw a call are kept, oldest first; at most `buckets` of them live."""

    def __init__(self, window_seconds, buckets, clock):
        if window_seconds <= 0 or type(buckets) is not int or buckets <= 0:
            raise ValueError("window_seconds and buckets must be positive")
        self.window_seconds = window_seconds
        self.buckets = buckets
        self._clock = clock
        self._width = window_seconds / buckets
        self._live = deque()
        self._calls = self._failures = self._slow = 0

    def _now(self):
        number = int(self._clock() // self._width)
        while self._live and self._live[0].number <= number - self.buckets:
            gone = self._live.popleft()
            self._calls -= gone.calls
            self._failures -= gone.failures
            self._slow -= gone.slow
        return number

    def record(self, failed, slow=False):
        number = self._now()
        if not self._live or self._live[-1].number != number:
            self._live.append(_Bucket(number))
        bucket = self._live[-1]
        bucket.calls += 1
        self._calls += 1
        if failed:
            bucket.failures += 1
            self._failures += 1
        if slow:
            bucket.slow += 1
            self._slow += 1

    @property
    def total(self):
        self._now()
        return self._calls

    @property
    def failures(self):
        self._now()
        return self._failures

    @property
    def slow_calls(self):
        self._now()
        return self._slow

    @property
    def failure_rate(self):
        self._now()
        return self._failures / self._calls * 100 if self._calls else None

    @property
    def slow_call_rate(self):
        self._now()
        return self._slow / self._calls * 100 if self._calls else None

    def clear(self):
        self._live.clear()
        self._calls = self._failures = self._slow = 0


@dataclass
class _Permit:
    period: int
    trial: bool
    started: float


class CircuitBreaker:
    def __init__(self, failure_rate_threshold=50.0, window_seconds=100.0, window_buckets=100,
                 minimum_calls=100, slow_call_duration=60.0, slow_call_rate_threshold=100.0,
                 recovery_timeout=60.0, half_open_max_calls=10, exclude=(),
                 is_failure=is_failure_by_default,
                 is_failure_result=is_failure_result_by_default, on_state_change=None,
                 *, name="breaker", clock=monotonic):
        problems = [label for label, bad in (
            ("failure_rate_threshold", not 0 < failure_rate_threshold <= 100),
            ("slow_call_rate_threshold", not 0 < slow_call_rate_threshold <= 100),
            ("window_seconds", window_seconds <= 0),
            ("slow_call_duration", slow_call_duration <= 0),
            ("recovery_timeout", recovery_timeout < 0),
            ("window_buckets", type(window_buckets) is not int or window_buckets < 1),
            ("minimum_calls", type(minimum_calls) is not int or minimum_calls < 1),
            ("half_open_max_calls", type(half_open_max_calls) is not int
             or half_open_max_calls < 1)) if bad]
        if problems:
            raise ValueError("invalid settings: " + ", ".join(problems))
        self.name = name
        self._failure_threshold = failure_rate_threshold
        self._slow_threshold = slow_call_rate_threshold
        self._slow_after = slow_call_duration
        self._minimum = minimum_calls
        self._timeout = recovery_timeout
        self._trial_limit = half_open_max_calls
        self._exclude = tuple(exclude)
        self._is_failure = is_failure
        self._is_failure_result = is_failure_result
        self._listener = on_state_change
        self._clock = clock
        self._lock = RLock()
        self._state = State.CLOSED
        self._period = 0
        self._window = TimeWindow(window_seconds, window_buckets, clock)
        self._trial_outcomes = []  # (failed, slow) per completed trial
        self._trials_out = 0
        self._open_until = 0.0
        self._announcements = []

    @property
    def state(self):
        return self._state

    @property
    def failure_rate(self):
        with self._lock:
            return self._window.failure_rate if self._window.total >= self._minimum else None

    @property
    def slow_call_rate(self):
        with self._lock:
            return self._window.slow_call_rate if self._window.total >= self._minimum else None

    def __call__(self, func):
        @wraps(func)
        def wrapped(*args, **kwargs):
            return self.call(func, *args, **kwargs)
        return wrapped

    def call(self, func, *args, **kwargs):
        permit = self._permit()
        try:
            result = func(*args, **kwargs)
        except Exception as error:
            self._settle(permit, self._verdict(permit, lambda: not isinstance(
                error, self._exclude) and bool(self._is_failure(error))))
            raise
        except BaseException:
            self._give_back(permit)
            raise
        self._settle(permit, self._verdict(permit, lambda: bool(self._is_failure_result(result))))
        return result

    def _verdict(self, permit, judge):
        try:
            return judge()
        except Exception:
            self._settle(permit, True)  # a predicate that raises: a failure, re-raised
            raise

    def _permit(self):
        with self._lock:
            now = self._clock()
            if self._state is State.OPEN:
                if now < self._open_until:
                    raise CircuitOpenError(self.name, self._open_until - now)
                self._enter(State.HALF_OPEN)
            if self._state is State.HALF_OPEN and self._trials_out >= self._trial_limit:
                self._flush()
                raise CircuitOpenError(self.name, 0.0)
            trial = self._state is State.HALF_OPEN
            self._trials_out += trial
            permit = _Permit(self._period, trial, now)
        self._flush()
        return permit

    def _breached(self, failures, slow, total):
        return (failures * 100 >= self._failure_threshold * total
                or slow * 100 >= self._slow_threshold * total)

    def _settle(self, permit, failed):
        slow = self._clock() > permit.started + self._slow_after
        with self._lock:
            if permit.period != self._period:
                return
            if permit.trial:
                self._trial_outcomes.append((failed, slow))
                if len(self._trial_outcomes) == self._trial_limit:
                    failures = sum(f for f, _ in self._trial_outcomes)
                    slow_calls = sum(s for _, s in self._trial_outcomes)
                    self._enter(State.OPEN if self._breached(failures, slow_calls,
                                                             self._trial_limit)
                                else State.CLOSED)
            else:
                self._window.record(failed, slow)
                total = self._window.total
                if total >= self._minimum and self._breached(
                        self._window.failures, self._window.slow_calls, total):
                    self._enter(State.OPEN)
        self._flush()

    def _give_back(self, permit):
        with self._lock:
            if permit.trial and permit.period == self._period:
                self._trials_out -= 1

    def _enter(self, state):
        previous = self._state
        self._state = state
        self._period += 1
        if state is State.OPEN:
            self._open_until = self._clock() + self._timeout
        elif state is State.HALF_OPEN:
            self._trial_outcomes = []
            self._trials_out = 0
        else:
            self._window.clear()
        self._announcements.append((previous, state))

    def _flush(self):
        with self._lock:
            pending, self._announcements = self._announcements, []
        if self._listener:
            for previous, state in pending:
                self._listener(previous, state)
