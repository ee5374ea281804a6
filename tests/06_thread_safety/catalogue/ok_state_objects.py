"""Correct, built differently: one object per state (the epoch), semaphore permits, no RLock."""

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
        super().__init__(f"breaker {name} rejects calls for {retry_after:.3g} s")


def is_failure_by_default(error):
    if isinstance(error, (requests.ConnectionError, requests.Timeout)):
        return True
    response = getattr(error, "response", None) if isinstance(error, requests.HTTPError) else None
    return response is not None and response.status_code >= 500


def is_failure_result_by_default(result):
    return isinstance(result, requests.Response) and result.status_code >= 500


class Closed:
    state = State.CLOSED

    def __init__(self):
        self.failures = 0


class Open:
    state = State.OPEN

    def __init__(self, since):
        self.since = since


class HalfOpen:
    state = State.HALF_OPEN

    def __init__(self, permits):
        self.permits = threading.BoundedSemaphore(permits)
        self.successes = 0


FAILED, SUCCEEDED, INTERRUPTED = "failed", "succeeded", "interrupted"


class CircuitBreaker:
    def __init__(self, failure_threshold=5, recovery_timeout=30.0, success_threshold=2, *,
                 half_open_max_calls=1, exclude=(), is_failure=is_failure_by_default,
                 is_failure_result=is_failure_result_by_default, on_state_change=None,
                 name="breaker", clock=time.monotonic):
        counts = {"failure_threshold": failure_threshold, "success_threshold": success_threshold,
                  "half_open_max_calls": half_open_max_calls}
        for label, value in counts.items():
            if type(value) is not int or value < 1:
                raise ValueError(f"{label}={value!r}: need an integer >= 1")
        if type(recovery_timeout) not in (int, float) or not recovery_timeout >= 0:
            raise ValueError(f"recovery_timeout={recovery_timeout!r}: need seconds >= 0")
        self.failure_threshold = failure_threshold
        self.recovery_timeout = recovery_timeout
        self.success_threshold = success_threshold
        self.half_open_max_calls = half_open_max_calls
        self.exclude = tuple(exclude)
        self.is_failure = is_failure
        self.is_failure_result = is_failure_result
        self.on_state_change = on_state_change
        self.name = name
        self.clock = clock
        self._guard = threading.Lock()
        self._current = Closed()

    @property
    def state(self):
        return self._current.state

    @property
    def failure_count(self):
        current = self._current
        return current.failures if isinstance(current, Closed) else 0

    def __call__(self, func):
        @functools.wraps(func)
        def through_breaker(*args, **kwargs):
            return self.call(func, *args, **kwargs)
        return through_breaker

    def call(self, func, *args, **kwargs):
        phase = self._enter()
        verdict = INTERRUPTED
        try:
            result = func(*args, **kwargs)
        except Exception as error:
            verdict = FAILED  # unless the predicates clear it (a raising one does not)
            if isinstance(error, self.exclude) or not self.is_failure(error):
                verdict = SUCCEEDED
            raise
        else:
            verdict = FAILED
            if not self.is_failure_result(result):
                verdict = SUCCEEDED
            return result
        finally:
            self._settle(phase, verdict)

    def _enter(self):
        now = self.clock()
        events = []
        with self._guard:
            phase = self._current
            if isinstance(phase, Open) and now - phase.since >= self.recovery_timeout:
                phase = self._become(HalfOpen(self.half_open_max_calls), events)
            if isinstance(phase, Open):
                wait = phase.since + self.recovery_timeout - now
                refusal = CircuitOpenError(self.name, min(max(wait, 0.0), self.recovery_timeout))
            elif isinstance(phase, HalfOpen) and not phase.permits.acquire(blocking=False):
                refusal = CircuitOpenError(self.name, 0.0)
            else:
                refusal = None
        self._publish(events)
        if refusal is not None:
            raise refusal
        return phase

    def _settle(self, phase, verdict):
        now = self.clock()
        events = []
        with self._guard:
            if phase is self._current:  # otherwise a late result: its state object is gone
                if isinstance(phase, HalfOpen):
                    self._settle_trial(phase, verdict, now, events)
                elif verdict == FAILED:
                    phase.failures += 1
                    if phase.failures >= self.failure_threshold:
                        self._become(Open(now), events)
                elif verdict == SUCCEEDED:
                    phase.failures = 0
        self._publish(events)

    def _settle_trial(self, phase, verdict, now, events):
        phase.permits.release()
        if verdict == FAILED:
            self._become(Open(now), events)
        elif verdict == SUCCEEDED:
            phase.successes += 1
            if phase.successes >= self.success_threshold:
                self._become(Closed(), events)

    def _become(self, phase, events):
        events.append((self._current.state, phase.state))
        self._current = phase
        return phase

    def _publish(self, events):
        if self.on_state_change is not None:
            for old, new in events:
                self.on_state_change(old, new)
