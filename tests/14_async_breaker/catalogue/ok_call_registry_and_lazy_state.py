"""Correct, built differently: every admitted call is registered by serial number (holding a
permit or not), reading `state` performs the lazy OPEN -> HALF_OPEN switch, one try/finally
with an outcome flag, and asyncio.timeout_at for call_timeout."""

ACCEPTED = True

import asyncio
import contextvars
import enum
import functools
import inspect
import itertools
import time

import requests


class State(enum.Enum):
    CLOSED = "closed"
    OPEN = "open"
    HALF_OPEN = "half-open"


class CircuitOpenError(Exception):
    def __init__(self, name, retry_after):
        super().__init__(f"breaker {name} is open")
        self.name = name
        self.retry_after = retry_after


def is_failure_by_default(error):
    if isinstance(error, requests.HTTPError):
        return error.response is not None and error.response.status_code >= 500
    return isinstance(error, (requests.ConnectionError, requests.Timeout, ConnectionError,
                              TimeoutError))


def is_failure_result_by_default(result):
    return isinstance(result, requests.Response) and result.status_code >= 500


_NO_OUTCOME = object()


class CircuitBreaker:
    def __init__(self, failure_rate_threshold=50.0, window_size=100, minimum_calls=100,
                 recovery_timeout=60.0, half_open_max_calls=10, call_timeout=None,
                 exclude=(), is_failure=is_failure_by_default,
                 is_failure_result=is_failure_result_by_default, on_state_change=None,
                 *, name="breaker", clock=time.monotonic):
        num = lambda v: isinstance(v, (int, float)) and not isinstance(v, bool)
        cnt = lambda v: isinstance(v, int) and not isinstance(v, bool) and v >= 1
        if not (num(failure_rate_threshold) and 0 < failure_rate_threshold <= 100):
            raise ValueError("failure_rate_threshold")
        if not (cnt(window_size) and cnt(minimum_calls) and cnt(half_open_max_calls)):
            raise ValueError("counts")
        if not (num(recovery_timeout) and recovery_timeout >= 0):
            raise ValueError("recovery_timeout")
        if not (call_timeout is None or (num(call_timeout) and call_timeout >= 0)):
            raise ValueError("call_timeout")
        self.name = name
        self.failure_rate_threshold = failure_rate_threshold
        self.window_size = window_size
        self.minimum_calls = minimum_calls
        self.recovery_timeout = recovery_timeout
        self.half_open_max_calls = half_open_max_calls
        self.call_timeout = call_timeout
        self.exclude = tuple(exclude)
        self.is_failure = is_failure
        self.is_failure_result = is_failure_result
        self.on_state_change = on_state_change
        self.clock = clock
        self._state = State.CLOSED
        self._ring = []
        self._opened_at = 0.0
        self._serial = itertools.count()
        self._live = {}      # serial -> (period, holds_permit)
        self._period = 0
        self._permits = 0
        self._trial_outcomes = []
        self._blocks = contextvars.ContextVar("blocks", default=())

    def _change(self, new):
        old = self._state
        self._state = new
        self._period += 1
        if new is State.OPEN:
            self._opened_at = self.clock()
        elif new is State.HALF_OPEN:
            self._permits = self.half_open_max_calls
            self._trial_outcomes = []
        else:
            self._ring = []
        if self.on_state_change:
            self.on_state_change(old, new)

    def _maybe_half_open(self):
        if self._state is State.OPEN and \
                self.clock() - self._opened_at >= self.recovery_timeout:
            self._change(State.HALF_OPEN)

    @property
    def state(self):
        self._maybe_half_open()
        return self._state

    @property
    def failure_rate(self):
        needed = min(self.minimum_calls, self.window_size)
        if len(self._ring) < needed or not self._ring:
            return None
        return self._ring.count(True) * 100 / len(self._ring)

    def _admit(self):
        self._maybe_half_open()
        if self._state is State.OPEN:
            raise CircuitOpenError(
                self.name, max(0.0, self._opened_at + self.recovery_timeout - self.clock()))
        permit = False
        if self._state is State.HALF_OPEN:
            if self._permits <= 0:
                raise CircuitOpenError(self.name, 0.0)
            self._permits -= 1
            permit = True
        serial = next(self._serial)
        self._live[serial] = (self._period, permit)
        return serial

    def _end(self, serial, outcome):
        period, permit = self._live.pop(serial)
        if period != self._period:
            return
        if outcome is _NO_OUTCOME:
            if permit:
                self._permits += 1
            return
        failed = bool(outcome)
        if self._state is State.CLOSED:
            self._ring.append(failed)
            if len(self._ring) > self.window_size:
                self._ring.pop(0)
            n = len(self._ring)
            if n >= min(self.minimum_calls, self.window_size) and \
                    self._ring.count(True) * 100 >= self.failure_rate_threshold * n:
                self._change(State.OPEN)
        elif self._state is State.HALF_OPEN:
            self._trial_outcomes.append(failed)
            n = len(self._trial_outcomes)
            if n == self.half_open_max_calls:
                bad = self._trial_outcomes.count(True)
                self._change(State.OPEN if bad * 100 >= self.failure_rate_threshold * n
                             else State.CLOSED)

    def _exc_outcome(self, error):
        if isinstance(error, Exception):
            return not isinstance(error, self.exclude) and self.is_failure(error)
        return _NO_OUTCOME

    async def call(self, func, *args, **kwargs):
        _ensure_async(func)
        serial = self._admit()
        outcome = _NO_OUTCOME
        try:
            if self.call_timeout is None:
                result = await func(*args, **kwargs)
            else:
                loop = asyncio.get_running_loop()
                async with asyncio.timeout_at(loop.time() + self.call_timeout):
                    result = await func(*args, **kwargs)
            outcome = self.is_failure_result(result)
            return result
        except BaseException as error:
            outcome = self._exc_outcome(error)
            raise
        finally:
            self._end(serial, outcome)

    def __call__(self, func):
        _ensure_async(func)

        @functools.wraps(func)
        async def inner(*a, **k):
            return await self.call(func, *a, **k)
        return inner

    async def __aenter__(self):
        serial = self._admit()
        self._blocks.set(self._blocks.get() + (serial,))
        return self

    async def __aexit__(self, kind, error, tb):
        *outer, serial = self._blocks.get()
        self._blocks.set(tuple(outer))
        self._end(serial, False if error is None else self._exc_outcome(error))
        return False


def _ensure_async(func):
    if inspect.iscoroutine(func):
        func.close()
        raise TypeError("a coroutine object cannot be guarded: pass the function")
    if not inspect.iscoroutinefunction(func):
        raise TypeError(f"{func!r} is not a coroutine function")
