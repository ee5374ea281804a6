"""Correct, built differently: the state pattern, one class per state, with a verdict function that judges each outcome."""

import enum
import functools
import time

import requests

ACCEPTED = True


FAILURE, SUCCESS, NO_VERDICT = "failure", "success", "no verdict"


class State(enum.Enum):
    CLOSED = "closed"
    OPEN = "open"
    HALF_OPEN = "half_open"


class CircuitOpenError(Exception):
    def __init__(self, name, retry_after):
        super().__init__(f"{name}: open, retry after {retry_after:.3f}s")
        self.name = name
        self.retry_after = retry_after


def is_failure_by_default(error):
    if isinstance(error, (requests.ConnectionError, requests.Timeout)):
        return True
    response = getattr(error, "response", None) if isinstance(error, requests.HTTPError) else None
    return response is not None and 500 <= response.status_code <= 599


def is_failure_result_by_default(result):
    return isinstance(result, requests.Response) and 500 <= result.status_code <= 599


class _Closed:
    kind = State.CLOSED

    def __init__(self, breaker):
        self.breaker = breaker
        self.failures = 0

    def admit(self):
        return self

    def settle(self, verdict):
        if verdict == SUCCESS:
            self.failures = 0
        elif verdict == FAILURE:
            self.failures += 1
            if self.failures >= self.breaker.failure_threshold:
                self.breaker._enter(_Open(self.breaker))


class _Open:
    kind = State.OPEN

    def __init__(self, breaker):
        self.breaker = breaker
        self.until = breaker._clock() + breaker.recovery_timeout

    def admit(self):
        now = self.breaker._clock()
        if now >= self.until:
            half_open = _HalfOpen(self.breaker)
            self.breaker._enter(half_open)
            return half_open.admit()
        raise CircuitOpenError(self.breaker.name, self.until - now)

    def settle(self, verdict):
        pass


class _HalfOpen:
    kind = State.HALF_OPEN

    def __init__(self, breaker):
        self.breaker = breaker
        self.successes = 0
        self.busy = False

    def admit(self):
        if self.busy:
            raise CircuitOpenError(self.breaker.name, 0.0)
        self.busy = True
        return self

    def settle(self, verdict):
        self.busy = False
        if verdict == FAILURE:
            self.breaker._enter(_Open(self.breaker))
        elif verdict == SUCCESS:
            self.successes += 1
            if self.successes >= self.breaker.success_threshold:
                self.breaker._enter(_Closed(self.breaker))


class CircuitBreaker:
    def __init__(self, failure_threshold=5, recovery_timeout=30.0, success_threshold=2, *,
                 exclude=(), is_failure=is_failure_by_default,
                 is_failure_result=is_failure_result_by_default, name="breaker",
                 clock=time.monotonic):
        for label, value, low in (("failure_threshold", failure_threshold, 1),
                                  ("success_threshold", success_threshold, 1),
                                  ("recovery_timeout", recovery_timeout, 0)):
            if value < low:
                raise ValueError(f"{label}={value!r} is below {low}")
        excluded = list(exclude)
        for kind in excluded:
            if not isinstance(kind, type) or not issubclass(kind, BaseException):
                raise ValueError(f"exclude: {kind!r} is not an exception class")
        for label, predicate in (("is_failure", is_failure),
                                 ("is_failure_result", is_failure_result)):
            if not callable(predicate):
                raise ValueError(f"{label} must be a function, not {predicate!r}")
        self.failure_threshold = failure_threshold
        self.recovery_timeout = recovery_timeout
        self.success_threshold = success_threshold
        self.name = name
        self._excluded = excluded
        self._is_failure = is_failure
        self._is_failure_result = is_failure_result
        self._clock = clock
        self._current = _Closed(self)

    def _enter(self, state_object):
        self._current = state_object

    @property
    def state(self):
        return self._current.kind

    @property
    def failure_count(self):
        return self._current.failures if isinstance(self._current, _Closed) else 0

    def _verdict_on_error(self, error):
        if not isinstance(error, Exception):
            return NO_VERDICT
        if any(isinstance(error, kind) for kind in self._excluded):
            return SUCCESS
        return FAILURE if self._is_failure(error) else SUCCESS

    def _verdict_on_result(self, result):
        return FAILURE if self._is_failure_result(result) else SUCCESS

    def call(self, func, *args, **kwargs):
        admitted_by = self._current.admit()
        try:
            result = func(*args, **kwargs)
        except BaseException as error:
            self._judged(admitted_by, self._verdict_on_error, error)
            raise
        self._judged(admitted_by, self._verdict_on_result, result)
        return result

    def _judged(self, admitted_by, judge, outcome):
        try:
            verdict = judge(outcome)
        except Exception:  # a predicate that raises: a failure, and its error goes on up
            self._settle(admitted_by, FAILURE)
            raise
        self._settle(admitted_by, verdict)

    def _settle(self, admitted_by, verdict):
        if isinstance(admitted_by, _HalfOpen) and verdict == NO_VERDICT:
            admitted_by.busy = False
        elif admitted_by is self._current:
            admitted_by.settle(verdict)

    def __call__(self, func):
        def guarded(*args, **kwargs):
            return self.call(func, *args, **kwargs)
        return functools.update_wrapper(guarded, func)
