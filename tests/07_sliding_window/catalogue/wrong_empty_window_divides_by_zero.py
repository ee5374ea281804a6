"""Divides by the number of outcomes without looking: an empty window raises ZeroDivisionError."""

CAUGHT_BY = ["test_empty_window_has_no_rate"]

import enum
import functools
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


class CountWindow:
    def __init__(self, size):
        if isinstance(size, bool) or not isinstance(size, int) or size < 1:
            raise ValueError(f"size must be >= 1, got {size!r}")
        self.size = size
        self.clear()

    def record(self, failed):
        if self._total == self.size:
            self._failures -= self._slots[self._index]
        else:
            self._total += 1
        self._slots[self._index] = bool(failed)
        self._failures += bool(failed)
        self._index = (self._index + 1) % self.size

    @property
    def total(self):
        return self._total

    @property
    def failures(self):
        return self._failures

    @property
    def failure_rate(self):
        return 100.0 * self._failures / self._total

    def clear(self):
        self._slots = [False] * self.size
        self._index = 0
        self._total = 0
        self._failures = 0


def _check(ok, message):
    if not ok:
        raise ValueError(message)


class CircuitBreaker:
    def __init__(self, failure_rate_threshold=50.0, window_size=100, minimum_calls=100,
                 recovery_timeout=60.0, half_open_max_calls=10, exclude=(),
                 is_failure=is_failure_by_default,
                 is_failure_result=is_failure_result_by_default, on_state_change=None,
                 *, name="breaker", clock=time.monotonic):
        _check(0 < failure_rate_threshold <= 100, "failure_rate_threshold must be in (0, 100]")
        _check(isinstance(window_size, int) and window_size >= 1, "window_size must be >= 1")
        _check(isinstance(minimum_calls, int) and minimum_calls >= 1,
               "minimum_calls must be >= 1")
        _check(recovery_timeout >= 0, "recovery_timeout must be >= 0")
        _check(isinstance(half_open_max_calls, int) and half_open_max_calls >= 1,
               "half_open_max_calls must be >= 1")
        self.name = name
        self.failure_rate_threshold = failure_rate_threshold
        self.minimum_calls = min(minimum_calls, window_size)
        self.recovery_timeout = recovery_timeout
        self.half_open_max_calls = half_open_max_calls
        self._exclude = tuple(exclude)
        self._is_failure = is_failure
        self._is_failure_result = is_failure_result
        self._on_state_change = on_state_change
        self._clock = clock
        self._lock = threading.Lock()
        self._state = State.CLOSED
        self._window = CountWindow(window_size)
        self._opened_at = 0.0
        self._trial_done = 0
        self._trial_failed = 0
        self._trial_permits = 0
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

    def __call__(self, func):
        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            return self.call(func, *args, **kwargs)
        return wrapper

    def call(self, func, *args, **kwargs):
        generation = self._before()
        try:
            result = func(*args, **kwargs)
        except Exception as error:
            failed = not isinstance(error, self._exclude) and self._is_failure(error)
            self._after(generation, failed)
            raise
        except BaseException:
            self._release(generation)
            raise
        self._after(generation, self._is_failure_result(result))
        return result

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

    def _after(self, generation, failed):
        with self._lock:
            if generation == self._generation:
                if self._state is State.CLOSED:
                    self._closed_outcome(failed)
                elif self._state is State.HALF_OPEN:
                    self._trial_outcome(failed)
            changes, self._changes = self._changes, []
        self._notify(changes)

    def _release(self, generation):
        with self._lock:
            if generation == self._generation and self._state is State.HALF_OPEN:
                self._trial_permits -= 1

    def _closed_outcome(self, failed):
        self._window.record(failed)
        window = self._window
        if window.total >= self.minimum_calls and \
                window.failures * 100 >= self.failure_rate_threshold * window.total:
            self._move(State.OPEN)

    def _trial_outcome(self, failed):
        self._trial_done += 1
        self._trial_failed += bool(failed)
        if self._trial_done < self.half_open_max_calls:
            return
        if self._trial_failed * 100 >= self.failure_rate_threshold * self._trial_done:
            self._move(State.OPEN)
        else:
            self._move(State.CLOSED)

    def _move(self, new):
        old, self._state = self._state, new
        self._generation += 1
        if new is State.OPEN:
            self._opened_at = self._clock()
        elif new is State.HALF_OPEN:
            self._trial_done = self._trial_failed = self._trial_permits = 0
        else:
            self._window.clear()
        self._changes.append((old, new))

    def _notify(self, changes):
        if self._on_state_change is not None:
            for old, new in changes:
                self._on_state_change(old, new)
