"""Correct, built differently: an asyncio.Lock for admission, one object per stay in a state as
the ticket, a deque window, wait_for for call_timeout, and async-with tickets keyed by task."""

ACCEPTED = True

import asyncio
import enum
import functools
import inspect
import time
from collections import deque

import requests


class State(enum.Enum):
    CLOSED = "closed"
    OPEN = "open"
    HALF_OPEN = "half_open"


class CircuitOpenError(Exception):
    def __init__(self, name, retry_after):
        super().__init__(f"{name} is open ({retry_after:.1f}s to go)")
        self.name = name
        self.retry_after = retry_after


def is_failure_by_default(error):
    if isinstance(error, requests.HTTPError):
        return error.response is not None and error.response.status_code >= 500
    return isinstance(error, (requests.ConnectionError, requests.Timeout, ConnectionError,
                              TimeoutError))


def is_failure_result_by_default(result):
    return isinstance(result, requests.Response) and result.status_code >= 500


class Window:
    """The last `size` outcomes in a bounded deque, with a running failure count."""

    def __init__(self, size):
        self.outcomes = deque(maxlen=size)
        self.failures = 0

    def add(self, failed):
        if len(self.outcomes) == self.outcomes.maxlen:
            self.failures -= self.outcomes[0]
        self.outcomes.append(1 if failed else 0)
        self.failures += 1 if failed else 0

    def reached(self, threshold):
        return self.failures * 100 >= threshold * len(self.outcomes)


class Phase:
    """One stay in one state. A call holds the Phase it was admitted in; a result whose
    phase is no longer the current one is late and changes nothing."""

    def __init__(self, state, window_size, started):
        self.state = state
        self.started = started
        self.window = Window(window_size)
        self.permits_taken = 0


class CircuitBreaker:
    def __init__(self, failure_rate_threshold=50.0, window_size=100, minimum_calls=100,
                 recovery_timeout=60.0, half_open_max_calls=10, call_timeout=None, exclude=(),
                 is_failure=is_failure_by_default,
                 is_failure_result=is_failure_result_by_default, on_state_change=None, *,
                 name="breaker", clock=time.monotonic):
        def number(value):
            return isinstance(value, (int, float)) and not isinstance(value, bool)

        def count(value):
            return isinstance(value, int) and not isinstance(value, bool) and value >= 1

        if not (number(failure_rate_threshold) and 0 < failure_rate_threshold <= 100):
            raise ValueError("failure_rate_threshold must be in (0, 100]")
        if not (count(window_size) and count(minimum_calls) and count(half_open_max_calls)):
            raise ValueError("window_size, minimum_calls, half_open_max_calls: ints >= 1")
        if not (number(recovery_timeout) and recovery_timeout >= 0):
            raise ValueError("recovery_timeout must be >= 0")
        if call_timeout is not None and not (number(call_timeout) and call_timeout >= 0):
            raise ValueError("call_timeout must be None or >= 0")
        self.name = name
        self.threshold = failure_rate_threshold
        self.window_size = window_size
        self.minimum = min(minimum_calls, window_size)
        self.recovery_timeout = recovery_timeout
        self.max_trials = half_open_max_calls
        self.call_timeout = call_timeout
        self.exclude = tuple(exclude)
        self.is_failure = is_failure
        self.is_failure_result = is_failure_result
        self.listener = on_state_change
        self.clock = clock
        self._phase = Phase(State.CLOSED, window_size, clock())
        self._admission = asyncio.Lock()  # never held across the protected call
        self._blocks = {}  # task -> phases of its open `async with` blocks

    @property
    def state(self):
        return self._phase.state

    @property
    def failure_rate(self):
        window = self._phase.window if self._phase.state is State.CLOSED else self._tripped
        if len(window.outcomes) < self.minimum:
            return None
        return window.failures * 100.0 / len(window.outcomes)

    # -- the three ways in ---------------------------------------------------------------

    async def call(self, func, *args, **kwargs):
        self._refuse_non_coroutine_functions(func)
        phase = await self._enter()
        try:
            if self.call_timeout is None:
                result = await func(*args, **kwargs)
            else:
                result = await asyncio.wait_for(func(*args, **kwargs), self.call_timeout)
        except Exception as error:
            self._finish(phase, self._judge_error(error))
            raise
        except BaseException:
            self._finish(phase, None)
            raise
        self._finish(phase, bool(self.is_failure_result(result)))
        return result

    def __call__(self, func):
        self._refuse_non_coroutine_functions(func)

        @functools.wraps(func)
        async def wrapper(*args, **kwargs):
            return await self.call(func, *args, **kwargs)
        return wrapper

    async def __aenter__(self):
        phase = await self._enter()
        self._blocks.setdefault(asyncio.current_task(), []).append(phase)
        return self

    async def __aexit__(self, kind, error, traceback):
        task = asyncio.current_task()
        phase = self._blocks[task].pop()
        if not self._blocks[task]:
            del self._blocks[task]
        if error is None:
            self._finish(phase, False)
        elif isinstance(error, Exception):
            self._finish(phase, self._judge_error(error))
        else:
            self._finish(phase, None)
        return False

    # -- the machinery -------------------------------------------------------------------

    @staticmethod
    def _refuse_non_coroutine_functions(func):
        if inspect.iscoroutine(func):
            func.close()
            raise TypeError("pass the coroutine function, not a coroutine")
        if not inspect.iscoroutinefunction(func):
            raise TypeError(f"{func!r} is not a coroutine function")

    def _judge_error(self, error):
        return not isinstance(error, self.exclude) and bool(self.is_failure(error))

    async def _enter(self):
        async with self._admission:
            phase = self._phase
            if phase.state is State.OPEN:
                left = phase.started + self.recovery_timeout - self.clock()
                if left > 0:
                    raise CircuitOpenError(self.name, left)
                phase = self._move(State.HALF_OPEN)
            if phase.state is State.HALF_OPEN:
                if phase.permits_taken == self.max_trials:
                    raise CircuitOpenError(self.name, 0.0)
                phase.permits_taken += 1
            return phase

    def _finish(self, phase, failed):
        """failed: True / False for an outcome, None for none (a cancellation)."""
        if phase is not self._phase:
            return
        if failed is None:
            if phase.state is State.HALF_OPEN:
                phase.permits_taken -= 1
            return
        phase.window.add(failed)
        judged = len(phase.window.outcomes)
        if phase.state is State.CLOSED:
            if judged >= self.minimum and phase.window.reached(self.threshold):
                self._tripped = phase.window
                self._move(State.OPEN)
        elif phase.state is State.HALF_OPEN and judged == self.max_trials:
            self._move(State.OPEN if phase.window.reached(self.threshold) else State.CLOSED)

    def _move(self, state):
        old = self._phase.state
        size = self.max_trials if state is State.HALF_OPEN else self.window_size
        self._phase = Phase(state, size, self.clock())
        if self.listener is not None:
            self.listener(old, state)
        return self._phase
