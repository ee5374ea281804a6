"""Correct, built differently: each admission returns a one-shot closure that ends the call at most
once, a deque window with running counters, and a module-level ContextVar stack for async with."""

ACCEPTED = True

import asyncio
import collections
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
        super().__init__(f"{name} open, retry in {retry_after}")
        self.name = name
        self.retry_after = retry_after


def is_failure_by_default(error):
    if isinstance(error, requests.HTTPError):
        return error.response is not None and error.response.status_code >= 500
    return isinstance(error, (requests.ConnectionError, requests.Timeout, ConnectionError,
                              TimeoutError))


def is_failure_result_by_default(result):
    return isinstance(result, requests.Response) and result.status_code >= 500


_blocks = contextvars.ContextVar("open_blocks", default=())


def _num(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _count(v):
    return isinstance(v, int) and not isinstance(v, bool) and v >= 1


class CircuitBreaker:
    def __init__(self, failure_rate_threshold=50.0, window_size=100, minimum_calls=100,
                 recovery_timeout=60.0, half_open_max_calls=10, call_timeout=None,
                 exclude=(), is_failure=is_failure_by_default,
                 is_failure_result=is_failure_result_by_default, on_state_change=None,
                 *, name="breaker", clock=time.monotonic):
        if not (_num(failure_rate_threshold) and 0 < failure_rate_threshold <= 100):
            raise ValueError("failure_rate_threshold")
        for label, v in (("window_size", window_size), ("minimum_calls", minimum_calls),
                         ("half_open_max_calls", half_open_max_calls)):
            if not _count(v):
                raise ValueError(label)
        if not (_num(recovery_timeout) and recovery_timeout >= 0):
            raise ValueError("recovery_timeout")
        if call_timeout is not None and not (_num(call_timeout) and call_timeout >= 0):
            raise ValueError("call_timeout")
        self.name = name
        self._threshold = failure_rate_threshold
        self._size = window_size
        self._minimum = min(minimum_calls, window_size)
        self._recovery = recovery_timeout
        self._max_trials = half_open_max_calls
        self._timeout = call_timeout
        self._exclude = tuple(exclude)
        self._is_failure = is_failure
        self._is_failure_result = is_failure_result
        self._listener = on_state_change
        self._clock = clock
        self._state = State.CLOSED
        self._outcomes = collections.deque()
        self._bad = 0
        self._opened = 0.0
        self._taken = 0
        self._trial_total = 0
        self._trial_bad = 0
        self._generation = 0

    @property
    def state(self):
        return self._state

    @property
    def failure_rate(self):
        n = len(self._outcomes)
        if n < self._minimum or n == 0:
            return None
        return 100.0 * self._bad / n

    # -- transitions
    def _go(self, new):
        old = self._state
        self._state = new
        self._generation += 1
        if new is State.OPEN:
            self._opened = self._clock()
        elif new is State.HALF_OPEN:
            self._taken = self._trial_total = self._trial_bad = 0
        else:
            self._outcomes.clear()
            self._bad = 0
        if self._listener:
            self._listener(old, new)

    def _reached(self, bad, total):
        return bad * 100 >= self._threshold * total

    # -- admission returns a one-shot closure
    def _enter(self):
        if self._state is State.OPEN:
            waited = self._clock() - self._opened
            if waited < self._recovery:
                raise CircuitOpenError(self.name, self._recovery - waited)
            self._go(State.HALF_OPEN)
        if self._state is State.HALF_OPEN:
            if self._taken >= self._max_trials:
                raise CircuitOpenError(self.name, 0.0)
            self._taken += 1
        generation = self._generation
        ended = False

        def finish(failed):
            """failed: True/False for an outcome, None for no outcome."""
            nonlocal ended
            if ended:
                return
            ended = True
            if generation != self._generation:
                return
            if failed is None:
                if self._state is State.HALF_OPEN:
                    self._taken -= 1
                return
            if self._state is State.CLOSED:
                self._outcomes.append(failed)
                self._bad += failed
                if len(self._outcomes) > self._size:
                    self._bad -= self._outcomes.popleft()
                if len(self._outcomes) >= self._minimum and self._reached(
                        self._bad, len(self._outcomes)):
                    self._go(State.OPEN)
            elif self._state is State.HALF_OPEN:
                self._trial_total += 1
                self._trial_bad += failed
                if self._trial_total >= self._max_trials:
                    self._go(State.OPEN if self._reached(self._trial_bad, self._trial_total)
                             else State.CLOSED)
        return finish

    def _judge(self, error):
        if isinstance(error, self._exclude):
            return False
        return bool(self._is_failure(error))

    async def call(self, func, *args, **kwargs):
        _refuse(func)
        finish = self._enter()
        try:
            if self._timeout is None:
                result = await func(*args, **kwargs)
            else:
                async with asyncio.timeout(self._timeout):
                    result = await func(*args, **kwargs)
        except Exception as error:
            finish(self._judge(error))
            raise
        except BaseException:
            finish(None)
            raise
        finish(bool(self._is_failure_result(result)))
        return result

    def __call__(self, func):
        _refuse(func)

        @functools.wraps(func)
        async def guarded(*args, **kwargs):
            return await self.call(func, *args, **kwargs)
        return guarded

    async def __aenter__(self):
        finish = self._enter()
        _blocks.set(_blocks.get() + (finish,))
        return self

    async def __aexit__(self, kind, error, tb):
        *rest, finish = _blocks.get()
        _blocks.set(tuple(rest))
        if error is None:
            finish(False)
        elif isinstance(error, Exception):
            finish(self._judge(error))
        else:
            finish(None)
        return False


def _refuse(func):
    if inspect.iscoroutine(func):
        func.close()
        raise TypeError("pass the coroutine function, not a coroutine object")
    if not inspect.iscoroutinefunction(func):
        raise TypeError("a coroutine function is required")
