"""Correct, built differently: a bounded deque with counters, and one object per call's permit."""

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


class CountWindow:
    """A deque with maxlen drops the oldest by itself; we peek at it first to keep counts."""

    def __init__(self, size):
        if type(size) is not int or size <= 0:
            raise ValueError("size must be a positive int")
        self.size = size
        self._outcomes = deque(maxlen=size)
        self._failed = 0

    def record(self, failed):
        if len(self._outcomes) == self.size and self._outcomes[0]:
            self._failed -= 1
        self._outcomes.append(bool(failed))
        if failed:
            self._failed += 1

    @property
    def total(self):
        return len(self._outcomes)

    @property
    def failures(self):
        return self._failed

    @property
    def failure_rate(self):
        return self._failed / len(self._outcomes) * 100 if self._outcomes else None

    def clear(self):
        self._outcomes.clear()
        self._failed = 0


@dataclass
class _Permit:
    period: int  # which CLOSED or HALF_OPEN period admitted the call
    trial: bool


class CircuitBreaker:
    def __init__(self, failure_rate_threshold=50.0, window_size=100, minimum_calls=100,
                 recovery_timeout=60.0, half_open_max_calls=10, exclude=(),
                 is_failure=is_failure_by_default,
                 is_failure_result=is_failure_result_by_default, on_state_change=None,
                 *, name="breaker", clock=monotonic):
        problems = []
        if not 0 < failure_rate_threshold <= 100:
            problems.append("failure_rate_threshold")
        for label, value in (("window_size", window_size), ("minimum_calls", minimum_calls),
                             ("half_open_max_calls", half_open_max_calls)):
            if type(value) is not int or value < 1:
                problems.append(label)
        if recovery_timeout < 0:
            problems.append("recovery_timeout")
        if problems:
            raise ValueError("invalid settings: " + ", ".join(problems))
        self.name = name
        self._threshold = failure_rate_threshold
        self._minimum = min(minimum_calls, window_size)
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
        self._window = CountWindow(window_size)
        self._trial_outcomes = []
        self._trials_out = 0
        self._open_until = 0.0
        self._announcements = []

    @property
    def state(self):
        return self._state

    @property
    def failure_rate(self):
        with self._lock:
            if self._window.total >= self._minimum:
                return self._window.failure_rate
            return None

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
            if isinstance(error, self._exclude):
                self._settle(permit, False)
            else:
                self._settle(permit, self._asked(permit, self._is_failure, error))
            raise
        except BaseException:
            self._give_back(permit)
            raise
        self._settle(permit, self._asked(permit, self._is_failure_result, result))
        return result

    def _asked(self, permit, predicate, outcome):
        try:
            return bool(predicate(outcome))
        except Exception:  # a broken predicate: the call failed, and the caller hears why
            self._settle(permit, True)
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
            if trial:
                self._trials_out += 1
            permit = _Permit(self._period, trial)
        self._flush()
        return permit

    def _settle(self, permit, failed):
        with self._lock:
            if permit.period != self._period:
                return
            if permit.trial:
                self._trial_outcomes.append(failed)
                if len(self._trial_outcomes) == self._trial_limit:
                    bad = sum(self._trial_outcomes)
                    self._enter(State.OPEN if bad * 100 >= self._threshold * self._trial_limit
                                else State.CLOSED)
            else:
                self._window.record(failed)
                total = self._window.total
                if total >= self._minimum and \
                        self._window.failures * 100 >= self._threshold * total:
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
            self._window = CountWindow(self._window.size)
        self._announcements.append((previous, state))

    def _flush(self):
        with self._lock:
            pending, self._announcements = self._announcements, []
        if self._listener:
            for previous, state in pending:
                self._listener(previous, state)
