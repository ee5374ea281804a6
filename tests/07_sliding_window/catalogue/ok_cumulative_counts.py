"""Correct, built differently: the window is a ring of running failure totals (failures in the window = newest total - total before the oldest), and every stay in a state is an object of its own that calls hold on to."""

import enum
import functools
import threading
import time

import requests

ACCEPTED = True


class State(enum.Enum):
    CLOSED = "closed"
    OPEN = "open"
    HALF_OPEN = "half_open"


class CircuitOpenError(Exception):
    def __init__(self, name, retry_after):
        super().__init__(f"{name}: circuit open, next trial in {retry_after:.2f} s")
        self.name = name
        self.retry_after = retry_after


def is_failure_by_default(error):
    if isinstance(error, requests.HTTPError):
        return error.response is not None and 500 <= error.response.status_code < 600
    return isinstance(error, (requests.ConnectionError, requests.Timeout))


def is_failure_result_by_default(result):
    return isinstance(result, requests.Response) and 500 <= result.status_code < 600


class CountWindow:
    """Slot i of the ring holds how many failures had been recorded in all, up to and
    including outcome number i; the failures in the window are a difference of two totals."""

    def __init__(self, size):
        if type(size) is not int or size < 1:
            raise ValueError(f"size must be a positive int, got {size!r}")
        self.size = size
        self.clear()

    def clear(self):
        self._ring = [0] * (self.size + 1)  # one more slot: the total just before the oldest
        self._seen = 0  # outcomes recorded since the last clear

    def record(self, failed):
        before = self._ring[self._seen % len(self._ring)]
        self._seen += 1
        self._ring[self._seen % len(self._ring)] = before + (1 if failed else 0)

    @property
    def total(self):
        return min(self._seen, self.size)

    @property
    def failures(self):
        oldest_gone = self._seen - self.total
        return (self._ring[self._seen % len(self._ring)]
                - self._ring[oldest_gone % len(self._ring)])

    @property
    def failure_rate(self):
        total = self.total
        return None if total == 0 else 100.0 * self.failures / total


class _Stay:
    """One stay in one state; a call remembers the stay that admitted it."""

    def __init__(self, state, window=None, opened_at=0.0):
        self.state = state
        self.window = window
        self.opened_at = opened_at
        self.admitted = 0  # HALF_OPEN: trials let through
        self.failed = 0  # HALF_OPEN: trials that failed
        self.done = 0  # HALF_OPEN: trials that completed


class CircuitBreaker:
    def __init__(self, failure_rate_threshold=50.0, window_size=100, minimum_calls=100,
                 recovery_timeout=60.0, half_open_max_calls=10, exclude=(),
                 is_failure=is_failure_by_default,
                 is_failure_result=is_failure_result_by_default, on_state_change=None,
                 *, name="breaker", clock=time.monotonic):
        if isinstance(failure_rate_threshold, bool) or not 0 < failure_rate_threshold <= 100:
            raise ValueError("failure_rate_threshold must be in (0, 100]")
        for label, value in (("window_size", window_size), ("minimum_calls", minimum_calls),
                             ("half_open_max_calls", half_open_max_calls)):
            if type(value) is not int or value < 1:
                raise ValueError(f"{label} must be an int >= 1, got {value!r}")
        if isinstance(recovery_timeout, bool) or recovery_timeout < 0:
            raise ValueError("recovery_timeout must be >= 0")
        self.name = name
        self._threshold = failure_rate_threshold
        self._size = window_size
        self._minimum = min(minimum_calls, window_size)
        self._wait = recovery_timeout
        self._trials = half_open_max_calls
        self._exclude = tuple(exclude)
        self._is_failure = is_failure
        self._is_failure_result = is_failure_result
        self._listener = on_state_change
        self._clock = clock
        self._lock = threading.Lock()
        self._stay = _Stay(State.CLOSED, CountWindow(window_size))
        self._last_window = self._stay.window  # what failure_rate shows outside CLOSED

    @property
    def state(self):
        return self._stay.state

    @property
    def failure_rate(self):
        with self._lock:
            window = self._last_window
            return window.failure_rate if window.total >= self._minimum else None

    def __call__(self, func):
        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            return self.call(func, *args, **kwargs)
        return wrapper

    def call(self, func, *args, **kwargs):
        stay = self._enter()
        try:
            result = func(*args, **kwargs)
        except Exception as error:
            self._leave(stay, lambda: not isinstance(error, self._exclude)
                        and self._is_failure(error))
            raise
        except BaseException:
            self._give_back(stay)
            raise
        self._leave(stay, lambda: self._is_failure_result(result))
        return result

    def _enter(self):
        changes, full = [], False
        now = self._clock()
        with self._lock:
            stay = self._stay
            if stay.state is State.OPEN:
                if now - stay.opened_at < self._wait:
                    raise CircuitOpenError(self.name, stay.opened_at + self._wait - now)
                stay = self._move(_Stay(State.HALF_OPEN), changes)
            if stay.state is State.HALF_OPEN:
                full = stay.admitted >= self._trials
                stay.admitted += 0 if full else 1
        self._tell(changes)
        if full:
            raise CircuitOpenError(self.name, 0.0)
        return stay

    def _leave(self, stay, judge):
        try:
            failed = bool(judge())
        except Exception:
            self._settle(stay, True)  # a broken predicate: the call failed, and we say why
            raise
        self._settle(stay, failed)

    def _settle(self, stay, failed):
        changes = []
        now = self._clock()
        with self._lock:
            if stay is self._stay:
                if stay.state is State.CLOSED:
                    window = stay.window
                    window.record(failed)
                    if window.total >= self._minimum and \
                            window.failures * 100 >= self._threshold * window.total:
                        self._move(_Stay(State.OPEN, opened_at=now), changes)
                elif stay.state is State.HALF_OPEN:
                    stay.done += 1
                    stay.failed += failed
                    if stay.done == self._trials:
                        bad = stay.failed * 100 >= self._threshold * stay.done
                        self._move(_Stay(State.OPEN, opened_at=now) if bad else
                                   _Stay(State.CLOSED, CountWindow(self._size)), changes)
        self._tell(changes)

    def _give_back(self, stay):
        with self._lock:
            if stay is self._stay and stay.state is State.HALF_OPEN:
                stay.admitted -= 1

    def _move(self, new, changes):
        changes.append((self._stay.state, new.state))
        self._stay = new
        if new.window is not None:
            self._last_window = new.window
        return new

    def _tell(self, changes):
        if self._listener is not None:
            for old, new in changes:
                self._listener(old, new)
