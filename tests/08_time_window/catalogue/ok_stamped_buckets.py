"""Correct, built differently: each slot stamped with its bucket number and no running totals; reads add up the live slots."""

ACCEPTED = True

import enum
import functools
import math
import threading
import time

import requests


class State(enum.Enum):
    CLOSED = "closed"
    OPEN = "open"
    HALF_OPEN = "half_open"


class CircuitOpenError(Exception):
    def __init__(self, name, retry_after):
        super().__init__(f"{name} is open, retry in {retry_after:.1f}s")
        self.name = name
        self.retry_after = retry_after


def is_failure_by_default(error):
    if isinstance(error, (requests.ConnectionError, requests.Timeout)):
        return True
    if isinstance(error, requests.HTTPError):
        return error.response is not None and error.response.status_code >= 500
    return False


def is_failure_result_by_default(result):
    return isinstance(result, requests.Response) and result.status_code >= 500


class TimeWindow:
    def __init__(self, window_seconds, buckets, clock):
        if not window_seconds > 0:
            raise ValueError("window_seconds must be > 0")
        if not isinstance(buckets, int) or buckets < 1:
            raise ValueError("buckets must be >= 1")
        self.window_seconds = window_seconds
        self.buckets = buckets
        self._clock = clock
        self._width = window_seconds / buckets
        self._counts = [[0, 0, 0] for _ in range(buckets)]  # calls, failed, slow
        self._stamps = [None] * buckets  # which bucket of time each slot holds

    def _catch_up(self):
        pass  # nothing to move: a slot whose stamp is too old simply does not count

    def _drop(self, slot):
        for i in range(3):
            self._sums[i] -= self._counts[slot][i]
            self._counts[slot][i] = 0

    def record(self, failed, slow=False):
        current = math.floor(self._clock() / self._width)
        slot = current % self.buckets
        if self._stamps[slot] != current:
            self._counts[slot] = [0, 0, 0]
            self._stamps[slot] = current
        counts = self._counts[slot]
        counts[0] += 1
        counts[1] += bool(failed)
        counts[2] += bool(slow)

    def _sum(self, i):
        oldest_live = math.floor(self._clock() / self._width) - self.buckets + 1
        return sum(counts[i] for counts, stamp in zip(self._counts, self._stamps)
                   if stamp is not None and stamp >= oldest_live)

    @property
    def total(self):
        return self._sum(0)

    @property
    def failures(self):
        return self._sum(1)

    @property
    def slow_calls(self):
        return self._sum(2)

    @property
    def failure_rate(self):
        total = self.total
        return self.failures * 100.0 / total if total else None

    @property
    def slow_call_rate(self):
        total = self.total
        return self.slow_calls * 100.0 / total if total else None

    def clear(self):
        self._counts = [[0, 0, 0] for _ in range(self.buckets)]
        self._stamps = [None] * self.buckets


def _check(ok, message):
    if not ok:
        raise ValueError(message)


class CircuitBreaker:
    def __init__(self, failure_rate_threshold=50.0, window_seconds=100.0, window_buckets=100,
                 minimum_calls=100, slow_call_duration=60.0, slow_call_rate_threshold=100.0,
                 recovery_timeout=60.0, half_open_max_calls=10, exclude=(),
                 is_failure=is_failure_by_default,
                 is_failure_result=is_failure_result_by_default, on_state_change=None,
                 *, name="breaker", clock=time.monotonic):
        _check(0 < failure_rate_threshold <= 100, "failure_rate_threshold must be in (0, 100]")
        _check(window_seconds > 0, "window_seconds must be > 0")
        _check(isinstance(window_buckets, int) and window_buckets >= 1,
               "window_buckets must be >= 1")
        _check(isinstance(minimum_calls, int) and minimum_calls >= 1,
               "minimum_calls must be >= 1")
        _check(slow_call_duration > 0, "slow_call_duration must be > 0")
        _check(0 < slow_call_rate_threshold <= 100,
               "slow_call_rate_threshold must be in (0, 100]")
        _check(recovery_timeout >= 0, "recovery_timeout must be >= 0")
        _check(isinstance(half_open_max_calls, int) and half_open_max_calls >= 1,
               "half_open_max_calls must be >= 1")
        self.name = name
        self.failure_rate_threshold = failure_rate_threshold
        self.minimum_calls = minimum_calls
        self.slow_call_duration = slow_call_duration
        self.slow_call_rate_threshold = slow_call_rate_threshold
        self.recovery_timeout = recovery_timeout
        self.half_open_max_calls = half_open_max_calls
        self._exclude = tuple(exclude)
        self._is_failure = is_failure
        self._is_failure_result = is_failure_result
        self._on_state_change = on_state_change
        self._clock = clock
        self._lock = threading.Lock()
        self._state = State.CLOSED
        self._window = TimeWindow(window_seconds, window_buckets, clock)
        self._opened_at = 0.0
        self._trial_permits = 0
        self._trial_done = self._trial_failed = self._trial_slow = 0
        self._generation = 0
        self._changes = []

    @property
    def state(self):
        with self._lock:
            return self._state

    @property
    def failure_rate(self):
        with self._lock:
            if self._window.total < self.minimum_calls:
                return None
            return self._window.failure_rate

    @property
    def slow_call_rate(self):
        with self._lock:
            if self._window.total < self.minimum_calls:
                return None
            return self._window.slow_call_rate

    def __call__(self, func):
        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            return self.call(func, *args, **kwargs)
        return wrapper

    def call(self, func, *args, **kwargs):
        generation = self._before()
        started = self._clock()
        try:
            result = func(*args, **kwargs)
        except Exception as error:
            failed = True  # stays so when a predicate raises
            try:
                failed = not isinstance(error, self._exclude) and self._is_failure(error)
            finally:
                self._after(generation, failed, self._slow(started, failed))
            raise
        except BaseException:
            self._release(generation)
            raise
        failed = True
        try:
            failed = self._is_failure_result(result)
        finally:
            self._after(generation, failed, self._slow(started, failed))
        return result

    def _slow(self, started, failed):
        return self._clock() > started + self.slow_call_duration

    def _before(self):
        with self._lock:
            if self._state is State.OPEN:
                elapsed = self._clock() - self._opened_at
                if elapsed < self.recovery_timeout:
                    raise CircuitOpenError(self.name, self.recovery_timeout - elapsed)
                self._move(State.HALF_OPEN)
            if self._state is State.HALF_OPEN:
                if self._trial_permits >= self.half_open_max_calls:
                    raise CircuitOpenError(self.name, 0.0)
                self._trial_permits += 1
            generation = self._generation
            changes, self._changes = self._changes, []
        self._notify(changes)
        return generation

    def _after(self, generation, failed, slow):
        with self._lock:
            if generation == self._generation:
                if self._state is State.CLOSED:
                    self._closed_outcome(failed, slow)
                elif self._state is State.HALF_OPEN:
                    self._trial_outcome(failed, slow)
            changes, self._changes = self._changes, []
        self._notify(changes)

    def _release(self, generation):
        with self._lock:
            if generation == self._generation and self._state is State.HALF_OPEN:
                self._trial_permits -= 1

    def _over(self, failed, slow, total):
        return (failed * 100 >= self.failure_rate_threshold * total
                or slow * 100 >= self.slow_call_rate_threshold * total)

    def _closed_outcome(self, failed, slow):
        window = self._window
        window.record(failed, slow)
        total = window.total
        if total >= self.minimum_calls and self._over(window.failures, window.slow_calls, total):
            self._move(State.OPEN)

    def _trial_outcome(self, failed, slow):
        self._trial_done += 1
        self._trial_failed += bool(failed)
        self._trial_slow += bool(slow)
        if self._trial_done < self.half_open_max_calls:
            return
        if self._over(self._trial_failed, self._trial_slow, self._trial_done):
            self._move(State.OPEN)
        else:
            self._move(State.CLOSED)

    def _move(self, new):
        old, self._state = self._state, new
        self._generation += 1
        if new is State.OPEN:
            self._opened_at = self._clock()
        elif new is State.HALF_OPEN:
            self._trial_permits = 0
            self._trial_done = self._trial_failed = self._trial_slow = 0
        else:
            self._window.clear()
        self._changes.append((old, new))

    def _notify(self, changes):
        if self._on_state_change is not None:
            for old, new in changes:
                self._on_state_change(old, new)
