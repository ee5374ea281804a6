"""Correct, built differently: counts down (failures left before opening, successes left before closing), keeps the state as a string behind __slots__, and whoever looks first (state or call) makes the lazy switch."""
import enum
import math
import time

ACCEPTED = True


class State(enum.Enum):
    CLOSED = "closed"
    OPEN = "open"
    HALF_OPEN = "half_open"


class CircuitOpenError(Exception):
    def __init__(self, name, retry_after):
        Exception.__init__(self, f"{name}: open for {retry_after} more seconds")
        self.name, self.retry_after = name, retry_after


class CircuitBreaker:
    __slots__ = ("_ft", "_rt", "_st", "name", "_clock", "_s", "_left", "_to_close",
                 "_trial_out", "_reopen")

    def __init__(self, failure_threshold=5, recovery_timeout=30.0, success_threshold=2, *,
                 name="breaker", clock=time.monotonic):
        if failure_threshold < 1 or success_threshold < 1 or recovery_timeout < 0 \
                or math.isnan(recovery_timeout):
            raise ValueError("invalid breaker settings")
        self._ft, self._rt, self._st = failure_threshold, recovery_timeout, success_threshold
        self.name, self._clock = name, clock
        self._go("closed")

    def _go(self, s):
        self._s = s
        self._left = self._ft
        self._to_close = self._st
        self._trial_out = False
        if s == "open":
            self._reopen = self._clock() + self._rt
        else:
            self._reopen = math.inf

    def _tick(self):
        if self._s == "open" and self._clock() >= self._reopen:
            self._go("half_open")

    @property
    def state(self):
        self._tick()
        return State(self._s)

    @property
    def failure_count(self):
        return self._ft - self._left if self._s == "closed" else 0

    def call(self, func, *args, **kwargs):
        self._tick()
        if self._s == "open":
            raise CircuitOpenError(self.name, self._reopen - self._clock())
        mine = False
        if self._s == "half_open":
            if self._trial_out:
                raise CircuitOpenError(self.name, 0)
            self._trial_out = mine = True
        started_in = self._s
        try:
            value = func(*args, **kwargs)
        except Exception:
            if mine and self._s == "half_open":
                self._go("open")
            elif not mine and self._s == "closed" and started_in == "closed":
                self._left -= 1
                if self._left <= 0:
                    self._go("open")
            raise
        except BaseException:
            if mine and self._s == "half_open":
                self._trial_out = False
            raise
        if mine and self._s == "half_open":
            self._trial_out = False
            self._to_close -= 1
            if self._to_close <= 0:
                self._go("closed")
        elif not mine and self._s == "closed":
            self._left = self._ft
        return value
