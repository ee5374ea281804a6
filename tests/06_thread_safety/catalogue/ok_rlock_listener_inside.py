"""Correct, built differently: plain attributes under one RLock; listener and clock run under it."""

from __future__ import annotations

import enum
import functools
import threading
import time

import requests

ACCEPTED = True


class State(enum.Enum):
    CLOSED = "closed"
    OPEN = "open"
    HALF_OPEN = "half_open"


class CircuitOpenError(Exception):
    def __init__(self, name, retry_after):
        self.name = name
        self.retry_after = retry_after
        super().__init__(f"{name} is open; retry in {retry_after:.3g} s")


def is_failure_by_default(error):
    if isinstance(error, (requests.ConnectionError, requests.Timeout)):
        return True
    if isinstance(error, requests.HTTPError):
        return error.response is not None and error.response.status_code >= 500
    return False


def is_failure_result_by_default(result):
    return isinstance(result, requests.Response) and result.status_code >= 500


class CircuitBreaker:
    def __init__(self, failure_threshold=5, recovery_timeout=30.0, success_threshold=2, *,
                 half_open_max_calls=1, exclude=(), is_failure=is_failure_by_default,
                 is_failure_result=is_failure_result_by_default, on_state_change=None,
                 name="breaker", clock=time.monotonic):
        for label, value in (("failure_threshold", failure_threshold),
                             ("success_threshold", success_threshold),
                             ("half_open_max_calls", half_open_max_calls)):
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"{label} must be >= 1")
        if isinstance(recovery_timeout, bool) or not isinstance(recovery_timeout, (int, float)) \
                or recovery_timeout < 0:
            raise ValueError("recovery_timeout must be >= 0")
        self._failure_threshold = failure_threshold
        self._recovery_timeout = recovery_timeout
        self._success_threshold = success_threshold
        self._half_open_max_calls = half_open_max_calls
        self._exclude = tuple(exclude)
        self._is_failure = is_failure
        self._is_failure_result = is_failure_result
        self._on_state_change = on_state_change
        self._name = name
        self._clock = clock
        # An RLock: the listener is called while it is held and may read the properties.
        self._lock = threading.RLock()
        self._state = State.CLOSED
        self._generation = 0
        self._failures = 0
        self._successes = 0
        self._in_flight = 0
        self._opened_at = 0.0

    @property
    def name(self):
        return self._name

    @property
    def state(self):
        with self._lock:
            return self._state

    @property
    def failure_count(self):
        with self._lock:
            return self._failures

    def call(self, func, *args, **kwargs):
        generation = self._before_call()
        try:
            result = func(*args, **kwargs)
        except Exception as error:
            if self._fine(lambda: isinstance(error, self._exclude)
                          or not self._is_failure(error), generation):
                self._on_success(generation)
            else:
                self._on_failure(generation)
            raise
        except BaseException:
            self._on_interrupted(generation)
            raise
        if self._fine(lambda: not self._is_failure_result(result), generation):
            self._on_success(generation)
        else:
            self._on_failure(generation)
        return result

    def _fine(self, judge, generation):
        """The predicate's answer; if it raises, the call is a failure and the error goes up."""
        try:
            return judge()
        except Exception:
            self._on_failure(generation)
            raise

    def __call__(self, func):
        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            return self.call(func, *args, **kwargs)
        return wrapper

    def _before_call(self):
        with self._lock:
            if self._state is State.OPEN:
                remaining = self._opened_at + self._recovery_timeout - self._clock()
                if remaining > 0:
                    raise CircuitOpenError(self._name, remaining)
                self._switch(State.HALF_OPEN)
            if self._state is State.HALF_OPEN:
                if self._in_flight >= self._half_open_max_calls:
                    raise CircuitOpenError(self._name, 0.0)
                self._in_flight += 1
            return self._generation

    def _on_success(self, generation):
        with self._lock:
            if generation != self._generation:
                return
            if self._state is State.HALF_OPEN:
                self._in_flight -= 1
                self._successes += 1
                if self._successes >= self._success_threshold:
                    self._switch(State.CLOSED)
            else:
                self._failures = 0

    def _on_failure(self, generation):
        with self._lock:
            if generation != self._generation:
                return
            if self._state is State.HALF_OPEN:
                self._switch(State.OPEN)
                return
            self._failures += 1
            if self._failures >= self._failure_threshold:
                self._switch(State.OPEN)

    def _on_interrupted(self, generation):
        with self._lock:
            if generation == self._generation and self._state is State.HALF_OPEN:
                self._in_flight -= 1

    def _switch(self, new):
        """Called with the lock held."""
        old = self._state
        self._state = new
        self._generation += 1
        self._failures = self._successes = self._in_flight = 0
        if new is State.OPEN:
            self._opened_at = self._clock()
        if self._on_state_change is not None:
            self._on_state_change(old, new)
