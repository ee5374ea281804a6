"""Correct, built differently: buckets counted from the moment the window was made (not from the clock's zero), stale slots zeroed by slice assignment, and one object per state behind an RLock."""

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
        super().__init__(f"{name} rejects calls for {retry_after:.1f} more seconds")
        self.name = name
        self.retry_after = retry_after


def is_failure_by_default(error):
    if isinstance(error, requests.HTTPError):
        response = error.response
        return response is not None and response.status_code // 100 == 5
    return isinstance(error, (requests.ConnectionError, requests.Timeout))


def is_failure_result_by_default(result):
    return isinstance(result, requests.Response) and result.status_code // 100 == 5


class TimeWindow:
    def __init__(self, window_seconds, buckets, clock):
        if isinstance(window_seconds, bool) or not window_seconds > 0:
            raise ValueError("window_seconds must be > 0")
        if type(buckets) is not int or buckets < 1:
            raise ValueError("buckets must be an int >= 1")
        self.window_seconds = window_seconds
        self.buckets = buckets
        self._clock = clock
        self._origin = clock()
        self._width = window_seconds / buckets
        self._counts = [[0] * buckets for _ in range(3)]  # calls, failures, slow calls
        self._sums = [0, 0, 0]
        self._tick = 0  # the bucket, counted from _origin, that the newest slot holds

    def _advance(self):
        tick = int((self._clock() - self._origin) // self._width)
        gone = tick - self._tick
        if gone <= 0:
            return
        if gone >= self.buckets:
            for row in self._counts:
                row[:] = [0] * self.buckets
            self._sums = [0, 0, 0]
        else:
            first = (self._tick + 1) % self.buckets
            spans = [(first, min(first + gone, self.buckets))]
            if first + gone > self.buckets:
                spans.append((0, first + gone - self.buckets))
            for index, row in enumerate(self._counts):
                for start, stop in spans:
                    self._sums[index] -= sum(row[start:stop])
                    row[start:stop] = [0] * (stop - start)
        self._tick = tick

    def record(self, failed, slow=False):
        self._advance()
        slot = self._tick % self.buckets
        for index, happened in enumerate((True, failed, slow)):
            if happened:
                self._counts[index][slot] += 1
                self._sums[index] += 1

    def clear(self):
        for row in self._counts:
            row[:] = [0] * self.buckets
        self._sums = [0, 0, 0]

    def _sum(self, index):
        self._advance()
        return self._sums[index]

    total = property(lambda self: self._sum(0))
    failures = property(lambda self: self._sum(1))
    slow_calls = property(lambda self: self._sum(2))

    @property
    def failure_rate(self):
        total = self.total
        return None if not total else self._sums[1] * 100.0 / total

    @property
    def slow_call_rate(self):
        total = self.total
        return None if not total else self._sums[2] * 100.0 / total


class _Closed:
    state = State.CLOSED


class _Open:
    state = State.OPEN

    def __init__(self, until):
        self.until = until


class _HalfOpen:
    state = State.HALF_OPEN

    def __init__(self):
        self.let_in = self.finished = self.failed = self.slow = 0


class CircuitBreaker:
    def __init__(self, failure_rate_threshold=50.0, window_seconds=100.0, window_buckets=100,
                 minimum_calls=100, slow_call_duration=60.0, slow_call_rate_threshold=100.0,
                 recovery_timeout=60.0, half_open_max_calls=10, exclude=(),
                 is_failure=is_failure_by_default,
                 is_failure_result=is_failure_result_by_default, on_state_change=None,
                 *, name="breaker", clock=time.monotonic):
        for label, value in (("failure_rate_threshold", failure_rate_threshold),
                             ("slow_call_rate_threshold", slow_call_rate_threshold)):
            if isinstance(value, bool) or not 0 < value <= 100:
                raise ValueError(f"{label} must be in (0, 100]")
        for label, value in (("minimum_calls", minimum_calls),
                             ("half_open_max_calls", half_open_max_calls)):
            if type(value) is not int or value < 1:
                raise ValueError(f"{label} must be an int >= 1")
        if isinstance(slow_call_duration, bool) or not slow_call_duration > 0:
            raise ValueError("slow_call_duration must be > 0")
        if isinstance(recovery_timeout, bool) or recovery_timeout < 0:
            raise ValueError("recovery_timeout must be >= 0")
        self.name = name
        self._limits = (failure_rate_threshold, slow_call_rate_threshold)
        self._minimum = minimum_calls
        self._slow_after = slow_call_duration
        self._pause = recovery_timeout
        self._trial_count = half_open_max_calls
        self._exclude = tuple(exclude)
        self._is_failure = is_failure
        self._is_failure_result = is_failure_result
        self._on_change = on_state_change
        self._clock = clock
        self._window = TimeWindow(window_seconds, window_buckets, clock)
        self._guard = threading.RLock()
        self._phase = _Closed()

    @property
    def state(self):
        return self._phase.state

    def _rate(self, index):
        with self._guard:
            window = self._window
            if window.total < self._minimum:
                return None
            return window.failure_rate if index == 1 else window.slow_call_rate

    failure_rate = property(lambda self: self._rate(1))
    slow_call_rate = property(lambda self: self._rate(2))

    def __call__(self, func):
        @functools.wraps(func)
        def through(*args, **kwargs):
            return self.call(func, *args, **kwargs)
        return through

    def call(self, func, *args, **kwargs):
        phase = self._let_in()
        began = self._clock()
        try:
            result = func(*args, **kwargs)
        except Exception as error:
            self._done(phase, began, lambda: not isinstance(error, self._exclude)
                       and bool(self._is_failure(error)))
            raise
        except BaseException:
            with self._guard:
                if phase is self._phase and isinstance(phase, _HalfOpen):
                    phase.let_in -= 1
            raise
        self._done(phase, began, lambda: bool(self._is_failure_result(result)))
        return result

    def _let_in(self):
        news, full = [], False
        with self._guard:
            phase = self._phase
            now = self._clock()
            if isinstance(phase, _Open):
                if now < phase.until:
                    raise CircuitOpenError(self.name, phase.until - now)
                phase = self._become(_HalfOpen(), news)
            if isinstance(phase, _HalfOpen):
                full = phase.let_in >= self._trial_count
                phase.let_in += 0 if full else 1
        self._announce(news)
        if full:
            raise CircuitOpenError(self.name, 0.0)
        return phase

    def _done(self, phase, began, judge):
        slow = self._clock() > began + self._slow_after
        try:
            failed = judge()
        except Exception:
            self._tally(phase, True, slow)
            raise
        self._tally(phase, failed, slow)

    def _tally(self, phase, failed, slow):
        news = []
        with self._guard:
            if phase is not self._phase:
                pass  # from an earlier stay: nothing to do
            elif isinstance(phase, _Closed):
                window = self._window
                window.record(failed, slow)
                if window.total >= self._minimum and self._too_bad(
                        window.failures, window.slow_calls, window.total):
                    self._become(_Open(self._clock() + self._pause), news)
            elif isinstance(phase, _HalfOpen):
                phase.finished += 1
                phase.failed += failed
                phase.slow += slow
                if phase.finished == self._trial_count:
                    if self._too_bad(phase.failed, phase.slow, phase.finished):
                        self._become(_Open(self._clock() + self._pause), news)
                    else:
                        self._window.clear()
                        self._become(_Closed(), news)
        self._announce(news)

    def _too_bad(self, failures, slow_calls, total):
        failure_limit, slow_limit = self._limits
        return failures * 100 >= failure_limit * total or slow_calls * 100 >= slow_limit * total

    def _become(self, phase, news):
        news.append((self._phase.state, phase.state))
        self._phase = phase
        return phase

    def _announce(self, news):
        if self._on_change is not None:
            while news:
                self._on_change(*news.pop(0))
