"""Correct, built differently: the whole state is a frozen dataclass replaced on every change (the
ticket is the snapshot's era object), a tuple window, str-valued State, a rate by division, and
async-with tickets in a dict keyed by task."""

ACCEPTED = True

import asyncio
import dataclasses
import enum
import functools
import inspect
import time

import requests


class State(str, enum.Enum):
    CLOSED = "CLOSED"
    OPEN = "OPEN"
    HALF_OPEN = "HALF_OPEN"


class CircuitOpenError(RuntimeError):
    def __init__(self, name, retry_after):
        super().__init__(name, retry_after)
        self.name, self.retry_after = name, retry_after


def is_failure_by_default(error):
    if isinstance(error, requests.HTTPError):
        r = error.response
        return bool(r is not None and 500 <= r.status_code)
    return isinstance(error, (ConnectionError, TimeoutError, requests.ConnectionError,
                              requests.Timeout))


def is_failure_result_by_default(result):
    return isinstance(result, requests.Response) and result.status_code >= 500


@dataclasses.dataclass(frozen=True)
class _Snap:
    state: State
    era: object
    window: tuple = ()          # booleans, newest last
    opened_at: float = 0.0
    permits_left: int = 0
    trials: tuple = ()


class CircuitBreaker:
    def __init__(self, failure_rate_threshold=50.0, window_size=100, minimum_calls=100,
                 recovery_timeout=60.0, half_open_max_calls=10, call_timeout=None,
                 exclude=(), is_failure=is_failure_by_default,
                 is_failure_result=is_failure_result_by_default, on_state_change=None,
                 *, name="breaker", clock=time.monotonic):
        def number(v):
            return type(v) in (int, float)
        def count(v):
            return type(v) is int and v >= 1
        checks = [number(failure_rate_threshold) and 0 < failure_rate_threshold <= 100,
                  count(window_size), count(minimum_calls), count(half_open_max_calls),
                  number(recovery_timeout) and recovery_timeout >= 0,
                  call_timeout is None or (number(call_timeout) and call_timeout >= 0)]
        if not all(checks):
            raise ValueError("invalid breaker settings")
        self.name = name
        self.threshold = failure_rate_threshold
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
        self._snap = _Snap(State.CLOSED, object())
        self._inside = {}

    @property
    def state(self):
        return self._snap.state

    @property
    def failure_rate(self):
        w = self._snap.window
        if not w or len(w) < min(self.minimum_calls, self.window_size):
            return None
        return sum(w) / len(w) * 100

    def _rate_at_least(self, outcomes):
        return 100.0 * sum(outcomes) / len(outcomes) >= self.threshold

    def _replace(self, snap):
        old = self._snap
        self._snap = snap
        if snap.state is not old.state or snap.era is not old.era:
            if self.on_state_change is not None:
                self.on_state_change(old.state, snap.state)

    def _to(self, state, **fields):
        s = self._snap
        if state is State.OPEN:
            fields.setdefault("window", s.window)
            snap = _Snap(State.OPEN, object(), opened_at=self.clock(), **fields)
        elif state is State.HALF_OPEN:
            snap = _Snap(State.HALF_OPEN, object(), window=s.window,
                         permits_left=self.half_open_max_calls)
        else:
            snap = _Snap(State.CLOSED, object())
        self._replace(snap)

    def _admit(self):
        s = self._snap
        if s.state is State.OPEN:
            left = s.opened_at + self.recovery_timeout - self.clock()
            if left > 0:
                raise CircuitOpenError(self.name, left)
            self._to(State.HALF_OPEN)
            s = self._snap
        if s.state is State.HALF_OPEN:
            if s.permits_left == 0:
                raise CircuitOpenError(self.name, 0.0)
            self._snap = dataclasses.replace(s, permits_left=s.permits_left - 1)
        return self._snap.era

    def _outcome(self, era, failed):
        s = self._snap
        if era is not s.era:
            return
        if s.state is State.CLOSED:
            window = (s.window + (failed,))[-self.window_size:]
            self._snap = dataclasses.replace(s, window=window)
            if len(window) >= min(self.minimum_calls, self.window_size) and \
                    self._rate_at_least(window):
                self._to(State.OPEN, window=window)
        elif s.state is State.HALF_OPEN:
            trials = s.trials + (failed,)
            self._snap = dataclasses.replace(s, trials=trials)
            if len(trials) == self.half_open_max_calls:
                self._to(State.OPEN if self._rate_at_least(trials) else State.CLOSED)

    def _no_outcome(self, era):
        s = self._snap
        if era is s.era and s.state is State.HALF_OPEN:
            self._snap = dataclasses.replace(s, permits_left=s.permits_left + 1)

    def _failed(self, error):
        return not isinstance(error, self.exclude) and bool(self.is_failure(error))

    async def call(self, func, *args, **kwargs):
        _check(func)
        era = self._admit()
        try:
            async with asyncio.timeout(self.call_timeout):
                result = await func(*args, **kwargs)
        except Exception as e:
            self._outcome(era, self._failed(e))
            raise
        except BaseException:
            self._no_outcome(era)
            raise
        else:
            self._outcome(era, bool(self.is_failure_result(result)))
            return result

    def __call__(self, func):
        _check(func)
        async def wrapper(*args, **kwargs):
            return await self.call(func, *args, **kwargs)
        return functools.update_wrapper(wrapper, func)

    async def __aenter__(self):
        era = self._admit()
        self._inside.setdefault(asyncio.current_task(), []).append(era)
        return self

    async def __aexit__(self, et, e, tb):
        task = asyncio.current_task()
        stack = self._inside[task]
        era = stack.pop()
        if not stack:
            del self._inside[task]
        if e is None:
            self._outcome(era, False)
        elif isinstance(e, Exception):
            self._outcome(era, self._failed(e))
        else:
            self._no_outcome(era)


def _check(func):
    if inspect.iscoroutinefunction(func):
        return
    if inspect.iscoroutine(func):
        func.close()
    raise TypeError(f"expected an async def function, got {func!r}")
