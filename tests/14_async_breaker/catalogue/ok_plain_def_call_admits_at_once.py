"""Correct, built differently: `call` is a plain def that refuses and admits at once (with no
await at all, nothing can come between check and take) and returns the coroutine that runs
and books the call; the open deadline is stored rather than the open time; a list window."""

ACCEPTED = True

import asyncio
import contextvars
import enum
import functools
import inspect
import time

import requests


class State(enum.Enum):
    CLOSED = "closed"
    OPEN = "open"
    HALF_OPEN = "half_open"


class CircuitOpenError(Exception):
    def __init__(self, name, retry_after):
        super().__init__(f"{name} is open ({retry_after:.1f}s)")
        self.name = name
        self.retry_after = retry_after


def is_failure_by_default(error):
    if isinstance(error, requests.HTTPError):
        return error.response is not None and error.response.status_code >= 500
    return isinstance(error, (requests.ConnectionError, requests.Timeout, ConnectionError,
                              TimeoutError))


def is_failure_result_by_default(result):
    return isinstance(result, requests.Response) and result.status_code >= 500


def _positive_int(name, value):
    if type(value) is not int or value < 1:
        raise ValueError(f"{name} must be an int >= 1")
    return value


def _seconds(name, value):
    if type(value) not in (int, float) or not value >= 0:
        raise ValueError(f"{name} must be >= 0")
    return float(value)


class CircuitBreaker:
    def __init__(self, failure_rate_threshold=50.0, window_size=100, minimum_calls=100,
                 recovery_timeout=60.0, half_open_max_calls=10, call_timeout=None,
                 exclude=(), is_failure=is_failure_by_default,
                 is_failure_result=is_failure_result_by_default, on_state_change=None,
                 *, name="breaker", clock=time.monotonic):
        if type(failure_rate_threshold) not in (int, float) or \
                not 0 < failure_rate_threshold <= 100:
            raise ValueError("failure_rate_threshold must be in (0, 100]")
        self.window_size = _positive_int("window_size", window_size)
        self.minimum_calls = min(_positive_int("minimum_calls", minimum_calls), window_size)
        self.half_open_max_calls = _positive_int("half_open_max_calls", half_open_max_calls)
        self.recovery_timeout = _seconds("recovery_timeout", recovery_timeout)
        self.call_timeout = None if call_timeout is None else _seconds("call_timeout",
                                                                         call_timeout)
        self.threshold = failure_rate_threshold
        self.exclude = tuple(exclude)
        self.is_failure = is_failure
        self.is_failure_result = is_failure_result
        self.on_state_change = on_state_change
        self.name = name
        self.clock = clock
        self._state = State.CLOSED
        self._calls = []          # 1 = failed, 0 = ok
        self._open_until = None
        self._trials_started = 0
        self._trials_done = 0
        self._trials_failed = 0
        self._period = 0
        self._tickets = contextvars.ContextVar(f"breaker-{id(self)}", default=())

    @property
    def state(self):
        return self._state

    @property
    def failure_rate(self):
        if not self._calls or len(self._calls) < self.minimum_calls:
            return None
        return 100.0 * sum(self._calls) / len(self._calls)

    def _move(self, state):
        previous, self._state = self._state, state
        self._period += 1
        if state is State.OPEN:
            self._open_until = self.clock() + self.recovery_timeout
        elif state is State.HALF_OPEN:
            self._trials_started = self._trials_done = self._trials_failed = 0
        else:
            self._calls = []
        if self.on_state_change is not None:
            self.on_state_change(previous, state)

    def _enter(self):
        if self._state is State.OPEN:
            now = self.clock()
            if now < self._open_until:
                raise CircuitOpenError(self.name, self._open_until - now)
            self._move(State.HALF_OPEN)
        if self._state is State.HALF_OPEN:
            if self._trials_started == self.half_open_max_calls:
                raise CircuitOpenError(self.name, 0.0)
            self._trials_started += 1
        return self._period

    def _leave(self, period, failed):
        if period != self._period:
            return
        if failed is None:
            if self._state is State.HALF_OPEN:
                self._trials_started -= 1
            return
        if self._state is State.CLOSED:
            self._calls.append(1 if failed else 0)
            if len(self._calls) > self.window_size:
                self._calls.pop(0)
            if len(self._calls) >= self.minimum_calls and \
                    sum(self._calls) * 100 >= self.threshold * len(self._calls):
                self._move(State.OPEN)
        elif self._state is State.HALF_OPEN:
            self._trials_done += 1
            self._trials_failed += 1 if failed else 0
            if self._trials_done == self.half_open_max_calls:
                reopen = self._trials_failed * 100 >= self.threshold * self._trials_done
                self._move(State.OPEN if reopen else State.CLOSED)

    def _verdict(self, error):
        if isinstance(error, Exception):
            return not isinstance(error, self.exclude) and bool(self.is_failure(error))
        return None

    def call(self, func, *args, **kwargs):
        _check_coroutine_function(func)
        return self._guarded(self._enter(), func, args, kwargs)

    async def _guarded(self, period, func, args, kwargs):
        try:
            if self.call_timeout is not None:
                async with asyncio.timeout(self.call_timeout):
                    result = await func(*args, **kwargs)
            else:
                result = await func(*args, **kwargs)
        except BaseException as error:
            self._leave(period, self._verdict(error))
            raise
        self._leave(period, bool(self.is_failure_result(result)))
        return result

    def __call__(self, func):
        _check_coroutine_function(func)

        @functools.wraps(func)
        async def wrapper(*args, **kwargs):
            return await self.call(func, *args, **kwargs)
        return wrapper

    async def __aenter__(self):
        period = self._enter()
        self._tickets.set(self._tickets.get() + (period,))
        return self

    async def __aexit__(self, exc_type, exc, tb):
        tickets = self._tickets.get()
        self._tickets.set(tickets[:-1])
        self._leave(tickets[-1], False if exc is None else self._verdict(exc))
        return False


def _check_coroutine_function(func):
    if asyncio.iscoroutine(func):
        func.close()
        raise TypeError("breaker.call() needs the coroutine function, not a coroutine")
    if not asyncio.iscoroutinefunction(func):
        raise TypeError(f"{func!r} is not a coroutine function")
