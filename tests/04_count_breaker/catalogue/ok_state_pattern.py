"""Correct, built differently: the state pattern, one class per state, and `state` stays OPEN until a call arrives."""

import enum
import time

ACCEPTED = True


class State(enum.Enum):
    CLOSED = "closed"
    OPEN = "open"
    HALF_OPEN = "half_open"


class CircuitOpenError(Exception):
    def __init__(self, name, retry_after):
        super().__init__(f"{name}: open, retry after {retry_after:.3f}s")
        self.name = name
        self.retry_after = retry_after


class _Closed:
    kind = State.CLOSED

    def __init__(self, breaker):
        self.breaker = breaker
        self.failures = 0

    def admit(self):
        return self

    def succeeded(self):
        self.failures = 0

    def failed(self):
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

    def succeeded(self):  # a call admitted before opening: old news
        pass

    def failed(self):
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

    def succeeded(self):
        self.busy = False
        self.successes += 1
        if self.successes >= self.breaker.success_threshold:
            self.breaker._enter(_Closed(self.breaker))

    def failed(self):
        self.breaker._enter(_Open(self.breaker))

    def abandoned(self):
        self.busy = False


class CircuitBreaker:
    def __init__(self, failure_threshold=5, recovery_timeout=30.0, success_threshold=2, *,
                 name="breaker", clock=time.monotonic):
        for label, value, low in (("failure_threshold", failure_threshold, 1),
                                  ("success_threshold", success_threshold, 1),
                                  ("recovery_timeout", recovery_timeout, 0)):
            if value < low:
                raise ValueError(f"{label}={value!r} is below {low}")
        self.failure_threshold = failure_threshold
        self.recovery_timeout = recovery_timeout
        self.success_threshold = success_threshold
        self.name = name
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

    def call(self, func, *args, **kwargs):
        admitted_by = self._current.admit()
        try:
            result = func(*args, **kwargs)
        except Exception:
            if admitted_by is self._current:
                admitted_by.failed()
            raise
        except BaseException:
            if isinstance(admitted_by, _HalfOpen):
                admitted_by.abandoned()
            raise
        if admitted_by is self._current:
            admitted_by.succeeded()
        return result
