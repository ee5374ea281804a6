"""Correct, built differently: one class per state (the state pattern), a list ring buffer,
and async-with tickets in a dict keyed by the current task."""

ACCEPTED = True

import asyncio
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
        super().__init__(f"circuit {name} rejected the call")
        self.name, self.retry_after = name, retry_after


def is_failure_by_default(error):
    if isinstance(error, (ConnectionError, TimeoutError, requests.ConnectionError,
                          requests.Timeout)):
        return True
    response = getattr(error, "response", None)
    return isinstance(error, requests.HTTPError) and response is not None \
        and response.status_code >= 500


def is_failure_result_by_default(result):
    return isinstance(result, requests.Response) and result.status_code >= 500


class Ring:
    def __init__(self, size):
        self.slots, self.size, self.next, self.count, self.failed = [False] * size, size, 0, 0, 0

    def push(self, failed):
        if self.count == self.size:
            self.failed -= self.slots[self.next]
        else:
            self.count += 1
        self.slots[self.next] = failed
        self.failed += failed
        self.next = (self.next + 1) % self.size

    def at_least(self, percent):
        return self.failed * 100 >= percent * self.count


class Closed:
    state = State.CLOSED

    def __init__(self, breaker):
        self.breaker, self.ring = breaker, Ring(breaker.window_size)

    def admit(self):
        return self

    def record(self, failed):
        self.ring.push(failed)
        b = self.breaker
        if self.ring.count >= b.minimum and self.ring.at_least(b.threshold):
            b.become(Open(b, self.ring))

    def release(self):
        pass


class Open:
    state = State.OPEN

    def __init__(self, breaker, ring):
        self.breaker, self.ring, self.since = breaker, ring, breaker.clock()

    def admit(self):
        b = self.breaker
        left = self.since + b.recovery_timeout - b.clock()
        if left > 0:
            raise CircuitOpenError(b.name, left)
        return b.become(HalfOpen(b, self.ring)).admit()

    def record(self, failed):
        pass

    def release(self):
        pass


class HalfOpen:
    state = State.HALF_OPEN

    def __init__(self, breaker, tripped):
        self.breaker, self.tripped = breaker, tripped
        self.ring, self.taken = Ring(breaker.max_trials), 0

    def admit(self):
        if self.taken >= self.breaker.max_trials:
            raise CircuitOpenError(self.breaker.name, 0.0)
        self.taken += 1
        return self

    def record(self, failed):
        b = self.breaker
        self.ring.push(failed)
        if self.ring.count == b.max_trials:
            b.become(Open(b, self.tripped) if self.ring.at_least(b.threshold) else Closed(b))

    def release(self):
        self.taken -= 1


class CircuitBreaker:
    def __init__(self, failure_rate_threshold=50.0, window_size=100, minimum_calls=100,
                 recovery_timeout=60.0, half_open_max_calls=10, call_timeout=None, exclude=(),
                 is_failure=is_failure_by_default,
                 is_failure_result=is_failure_result_by_default, on_state_change=None, *,
                 name="breaker", clock=time.monotonic):
        def positive_int(v):
            return type(v) is int and v >= 1

        def seconds(v):
            return type(v) in (int, float) and v >= 0

        checks = [type(failure_rate_threshold) in (int, float) and
                  0 < failure_rate_threshold <= 100, positive_int(window_size),
                  positive_int(minimum_calls), positive_int(half_open_max_calls),
                  seconds(recovery_timeout), call_timeout is None or seconds(call_timeout)]
        if not all(checks):
            raise ValueError("invalid circuit breaker settings")
        self.threshold, self.window_size = failure_rate_threshold, window_size
        self.minimum = min(minimum_calls, window_size)
        self.recovery_timeout, self.max_trials = recovery_timeout, half_open_max_calls
        self.call_timeout, self.exclude = call_timeout, tuple(exclude)
        self.is_failure, self.is_failure_result = is_failure, is_failure_result
        self.on_state_change, self.name, self.clock = on_state_change, name, clock
        self.current = Closed(self)
        self.blocks = {}

    def become(self, new):
        old, self.current = self.current, new
        if self.on_state_change:
            self.on_state_change(old.state, new.state)
        return new

    @property
    def state(self):
        return self.current.state

    @property
    def failure_rate(self):
        ring = self.current.ring if isinstance(self.current, (Closed, Open)) else \
            self.current.tripped
        return None if ring.count < self.minimum else ring.failed * 100 / ring.count

    def _end(self, holder, failed):
        if holder is not self.current:
            return  # that state is gone: a late result
        if failed is None:
            holder.release()
        else:
            holder.record(failed)

    def _failed(self, error):
        return not isinstance(error, self.exclude) and self.is_failure(error)

    @staticmethod
    def _check(func):
        if inspect.iscoroutine(func):
            func.close()
            raise TypeError("a coroutine object: pass the coroutine function instead")
        if not inspect.iscoroutinefunction(func):
            raise TypeError("only coroutine functions can be guarded")

    async def call(self, func, *args, **kwargs):
        self._check(func)
        holder = self.current.admit()
        try:
            async with asyncio.timeout(self.call_timeout):
                result = await func(*args, **kwargs)
        except Exception as error:
            self._end(holder, self._failed(error))
            raise
        except BaseException:
            self._end(holder, None)
            raise
        self._end(holder, self.is_failure_result(result))
        return result

    def __call__(self, func):
        self._check(func)

        @functools.wraps(func)
        async def guarded(*args, **kwargs):
            return await self.call(func, *args, **kwargs)
        return guarded

    async def __aenter__(self):
        holder = self.current.admit()
        self.blocks.setdefault(asyncio.current_task(), []).append(holder)
        return self

    async def __aexit__(self, kind, error, traceback):
        stack = self.blocks[asyncio.current_task()]
        holder = stack.pop()
        if not stack:
            del self.blocks[asyncio.current_task()]
        if error is None:
            self._end(holder, False)
        elif isinstance(error, Exception):
            self._end(holder, self._failed(error))
        else:
            self._end(holder, None)
        return False
