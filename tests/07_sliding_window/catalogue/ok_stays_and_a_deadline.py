"""Correct, built differently: one object per stay in a state (calls keep theirs, so a late result is recognised by identity), a deadline instead of an open timestamp, the trials' outcomes kept in a list, a plain Lock, and the deque's counters subtracting what maxlen evicts."""
import collections
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
        super().__init__(name, retry_after)
        self.name = name
        self.retry_after = retry_after


def is_failure_by_default(error):
    if isinstance(error, (requests.exceptions.ConnectionError, requests.exceptions.Timeout)):
        return True
    if isinstance(error, requests.exceptions.HTTPError) and error.response is not None:
        return error.response.status_code // 100 == 5
    return False


def is_failure_result_by_default(result):
    return isinstance(result, requests.Response) and result.status_code // 100 == 5


class CountWindow:
    def __init__(self, size):
        if type(size) is not int or size < 1:
            raise ValueError(f"bad size {size!r}")
        self.size = size
        self._q = collections.deque(maxlen=size)
        self._f = 0

    def record(self, failed):
        if len(self._q) == self.size:
            self._f -= self._q[0]
        failed = bool(failed)
        self._q.append(failed)
        self._f += failed

    total = property(lambda self: len(self._q))
    failures = property(lambda self: self._f)

    @property
    def failure_rate(self):
        n = len(self._q)
        return 100.0 * self._f / n if n else None

    def clear(self):
        self._q.clear()
        self._f = 0


class _Stay:
    def __init__(self, state, window, deadline=None):
        self.state = state
        self.window = window
        self.deadline = deadline
        self.admitted = 0
        self.outcomes = []


class CircuitBreaker:
    def __init__(self, failure_rate_threshold=50.0, window_size=100, minimum_calls=100,
                 recovery_timeout=60.0, half_open_max_calls=10, exclude=(),
                 is_failure=is_failure_by_default,
                 is_failure_result=is_failure_result_by_default, on_state_change=None, *,
                 name="breaker", clock=time.monotonic):
        checks = [
            (isinstance(failure_rate_threshold, (int, float))
             and not isinstance(failure_rate_threshold, bool)
             and 0 < failure_rate_threshold <= 100, "failure_rate_threshold"),
            (type(window_size) is int and window_size >= 1, "window_size"),
            (type(minimum_calls) is int and minimum_calls >= 1, "minimum_calls"),
            (type(half_open_max_calls) is int and half_open_max_calls >= 1,
             "half_open_max_calls"),
            (isinstance(recovery_timeout, (int, float)) and not isinstance(recovery_timeout, bool)
             and recovery_timeout >= 0, "recovery_timeout"),
        ]
        for ok, label in checks:
            if not ok:
                raise ValueError(f"invalid {label}")
        self._exclude = tuple(exclude)
        if not all(isinstance(k, type) and issubclass(k, BaseException) for k in self._exclude):
            raise ValueError("exclude")
        if not (callable(is_failure) and callable(is_failure_result)):
            raise ValueError("predicate")
        self.name = name
        self.threshold = failure_rate_threshold
        self.window_size = window_size
        self.minimum_calls = minimum_calls
        self.recovery_timeout = recovery_timeout
        self.half_open_max_calls = half_open_max_calls
        self._is_failure = is_failure
        self._is_failure_result = is_failure_result
        self._listener = on_state_change
        self._clock = clock
        self._lock = threading.Lock()
        self._stay = _Stay(State.CLOSED, CountWindow(window_size))

    @property
    def state(self):
        return self._stay.state

    @property
    def failure_rate(self):
        with self._lock:
            w = self._stay.window
            if w.total < min(self.minimum_calls, self.window_size):
                return None
            return w.failure_rate

    def _bad(self, failures, total):
        return failures * 100 >= self.threshold * total

    def _move(self, state, notes):
        old = self._stay
        if state is State.CLOSED:
            window = CountWindow(self.window_size)
        else:
            window = old.window
        deadline = self._clock() + self.recovery_timeout if state is State.OPEN else None
        self._stay = _Stay(state, window, deadline)
        notes.append((old.state, state))

    def _notify(self, notes):
        for old, new in notes:
            if self._listener is not None:
                self._listener(old, new)

    def _admit(self):
        notes = []
        with self._lock:
            stay = self._stay
            if stay.state is State.OPEN:
                left = stay.deadline - self._clock()
                if left > 0:
                    raise CircuitOpenError(self.name, left)
                self._move(State.HALF_OPEN, notes)
                stay = self._stay
            if stay.state is State.HALF_OPEN:
                if stay.admitted == self.half_open_max_calls:
                    raise CircuitOpenError(self.name, 0.0)
                stay.admitted += 1
        self._notify(notes)
        return stay

    def _record(self, stay, failed):
        notes = []
        with self._lock:
            if stay is self._stay:
                if stay.state is State.CLOSED:
                    w = stay.window
                    w.record(failed)
                    if w.total >= min(self.minimum_calls, self.window_size) \
                            and self._bad(w.failures, w.total):
                        self._move(State.OPEN, notes)
                elif stay.state is State.HALF_OPEN:
                    stay.outcomes.append(bool(failed))
                    if len(stay.outcomes) == self.half_open_max_calls:
                        bad = self._bad(sum(stay.outcomes), len(stay.outcomes))
                        self._move(State.OPEN if bad else State.CLOSED, notes)
        self._notify(notes)

    def _give_back(self, stay):
        with self._lock:
            if stay is self._stay and stay.state is State.HALF_OPEN:
                stay.admitted -= 1

    def _classify(self, stay, predicate, value):
        try:
            failed = bool(predicate(value))
        except Exception:
            self._record(stay, True)
            raise
        self._record(stay, failed)

    def _error(self, error):
        return False if isinstance(error, self._exclude) else self._is_failure(error)

    def call(self, func, *args, **kwargs):
        stay = self._admit()
        try:
            result = func(*args, **kwargs)
        except Exception as error:
            self._classify(stay, self._error, error)
            raise
        except BaseException:
            self._give_back(stay)
            raise
        self._classify(stay, self._is_failure_result, result)
        return result

    def __call__(self, func):
        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            return self.call(func, *args, **kwargs)
        return wrapper
