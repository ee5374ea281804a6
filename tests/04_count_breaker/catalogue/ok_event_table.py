"""Correct, built differently: one `match` over (state, event) decides every step; a trial is a numbered token, the open period a `reopen_at` deadline."""

import enum
import time
from itertools import count

ACCEPTED = True


class State(enum.Enum):
    CLOSED = "closed"
    OPEN = "open"
    HALF_OPEN = "half_open"


class CircuitOpenError(Exception):
    def __init__(self, name, retry_after):
        super().__init__(f"{name} is open (retry in {retry_after:.2f}s)")
        self.name = name
        self.retry_after = retry_after


class CircuitBreaker:
    def __init__(self, failure_threshold=5, recovery_timeout=30.0, success_threshold=2, *,
                 name="breaker", clock=time.monotonic):
        for setting, value, least in (("failure_threshold", failure_threshold, 1),
                                      ("success_threshold", success_threshold, 1),
                                      ("recovery_timeout", recovery_timeout, 0)):
            if value < least:
                raise ValueError(f"{setting} must be at least {least}, not {value}")
        self.failure_threshold = failure_threshold
        self.recovery_timeout = recovery_timeout
        self.success_threshold = success_threshold
        self.name = name
        self._now = clock
        self._state = State.CLOSED
        self._streak = 0  # CLOSED: failures in a row; HALF_OPEN: trial successes
        self._reopen_at = 0.0
        self._tokens = count(1)
        self._trial = None  # the token of the trial in flight, if any

    @property
    def state(self):
        return self._state

    @property
    def failure_count(self):
        return self._streak if self._state is State.CLOSED else 0

    def call(self, func, *args, **kwargs):
        token = self._step("ask")
        try:
            result = func(*args, **kwargs)
        except Exception:
            self._step("failed", token)
            raise
        except BaseException:
            self._step("gone", token)
            raise
        self._step("ok", token)
        return result

    def _step(self, event, token=None):
        match (self._state, event):
            case (State.CLOSED, "ask"):
                return None
            case (State.OPEN, "ask"):
                wait = self._reopen_at - self._now()
                if wait > 0:
                    raise CircuitOpenError(self.name, wait)
                self._state, self._streak, self._trial = State.HALF_OPEN, 0, None
                return self._step("ask")
            case (State.HALF_OPEN, "ask"):
                if self._trial is not None:
                    raise CircuitOpenError(self.name, 0.0)
                self._trial = next(self._tokens)
                return self._trial
            case (State.CLOSED, "ok") if token is None:
                self._streak = 0
            case (State.CLOSED, "failed") if token is None:
                self._streak += 1
                if self._streak >= self.failure_threshold:
                    self._open()
            case (State.HALF_OPEN, "ok") if token == self._trial:
                self._trial = None
                self._streak += 1
                if self._streak >= self.success_threshold:
                    self._state, self._streak = State.CLOSED, 0
            case (State.HALF_OPEN, "failed") if token == self._trial:
                self._open()
            case (State.HALF_OPEN, "gone") if token == self._trial:
                self._trial = None
            case _:
                pass  # a result that belongs to an earlier state: nothing to do
        return None

    def _open(self):
        self._state, self._streak, self._trial = State.OPEN, 0, None
        self._reopen_at = self._now() + self.recovery_timeout
