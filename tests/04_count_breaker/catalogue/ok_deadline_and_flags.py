"""Correct, built differently: no stored state, only an open-until deadline and flags; strict `>` at the boundary."""

import enum
import time

ACCEPTED = True


class State(enum.Enum):
    CLOSED = "closed"
    OPEN = "open"
    HALF_OPEN = "half_open"


class CircuitOpenError(Exception):
    def __init__(self, name, retry_after):
        super().__init__(name)
        self.name = name
        self.retry_after = retry_after


class CircuitBreaker:
    def __init__(self, failure_threshold=5, recovery_timeout=30.0, success_threshold=2, *,
                 name="breaker", clock=time.monotonic):
        if not (failure_threshold >= 1 and success_threshold >= 1 and recovery_timeout >= 0):
            raise ValueError("failure_threshold and success_threshold must be >= 1, "
                             "recovery_timeout >= 0")
        self.failure_threshold = failure_threshold
        self.recovery_timeout = recovery_timeout
        self.success_threshold = success_threshold
        self.name = name
        self.clock = clock
        self.failure_count = 0
        self._open_until = None  # None: closed
        self._probing = False  # the open period is over and trial calls decide
        self._probe_running = False
        self._probe_successes = 0

    @property
    def state(self):
        if self._open_until is None:
            return State.CLOSED
        if self._probing or self.clock() > self._open_until:
            return State.HALF_OPEN
        return State.OPEN

    def call(self, func, *args, **kwargs):
        probe = self._admit()
        try:
            result = func(*args, **kwargs)
        except Exception:
            self._failed(probe)
            raise
        except BaseException:
            if probe:
                self._probe_running = False
            raise
        self._succeeded(probe)
        return result

    def _admit(self):
        if self._open_until is None:
            return False
        now = self.clock()
        if not self._probing and now > self._open_until:
            self._probing, self._probe_successes = True, 0
        if not self._probing:
            raise CircuitOpenError(self.name, self._open_until - now)
        if self._probe_running:
            raise CircuitOpenError(self.name, 0.0)
        self._probe_running = True
        return True

    def _open(self):
        self._open_until = self.clock() + self.recovery_timeout
        self._probing = self._probe_running = False

    def _failed(self, probe):
        if probe:
            self._open()
        elif self._open_until is None:
            self.failure_count += 1
            if self.failure_count >= self.failure_threshold:
                self._open()

    def _succeeded(self, probe):
        if probe:
            self._probe_running = False
            self._probe_successes += 1
            if self._probe_successes >= self.success_threshold:
                self._open_until, self._probing, self.failure_count = None, False, 0
        elif self._open_until is None:
            self.failure_count = 0
