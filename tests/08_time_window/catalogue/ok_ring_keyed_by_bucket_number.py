"""Correct, built differently: a ring of buckets keyed by the bucket number floor(t / width), running totals, a window that has never been written needs no catch-up at all, and a gap of a window or more clears every slot once; the breaker written from scratch (an RLock, stays numbered, a deadline for the open period)."""
from __future__ import annotations

import enum
import functools
import math
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
        super().__init__(f"{name!r} open, retry in {retry_after:.3f}s")
        self.name = name
        self.retry_after = retry_after


def is_failure_by_default(error):
    if isinstance(error, (requests.ConnectionError, requests.Timeout)):
        return True
    if isinstance(error, requests.HTTPError):
        r = error.response
        return r is not None and 500 <= r.status_code <= 599
    return False


def is_failure_result_by_default(result):
    return isinstance(result, requests.Response) and 500 <= result.status_code <= 599


def _num(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)


def _int1(v):
    return isinstance(v, int) and not isinstance(v, bool) and v >= 1


class TimeWindow:
    def __init__(self, window_seconds, buckets, clock):
        if not (_num(window_seconds) and window_seconds > 0):
            raise ValueError("window_seconds must be > 0")
        if not _int1(buckets):
            raise ValueError("buckets must be an int >= 1")
        self._n = buckets
        self._width = window_seconds / buckets
        self._clock = clock
        self.clear()

    def clear(self):
        n = self._n
        self._ids = [None] * n
        self._calls = [0] * n
        self._fails = [0] * n
        self._slows = [0] * n
        self._t_calls = self._t_fails = self._t_slows = 0
        self._newest = None

    def _drop(self, slot):
        self._t_calls -= self._calls[slot]
        self._t_fails -= self._fails[slot]
        self._t_slows -= self._slows[slot]
        self._calls[slot] = self._fails[slot] = self._slows[slot] = 0
        self._ids[slot] = None

    def _advance(self):
        now_id = math.floor(self._clock() / self._width)
        if self._newest is None:
            self._newest = now_id
            return now_id
        if now_id <= self._newest:
            return self._newest
        gap = now_id - self._newest
        if gap >= self._n:
            for slot in range(self._n):
                self._drop(slot)
        else:
            for bid in range(self._newest + 1, now_id + 1):
                self._drop(bid % self._n)
        self._newest = now_id
        return now_id

    def record(self, failed, slow=False):
        bid = self._advance()
        slot = bid % self._n
        self._ids[slot] = bid
        self._calls[slot] += 1
        self._t_calls += 1
        if failed:
            self._fails[slot] += 1
            self._t_fails += 1
        if slow:
            self._slows[slot] += 1
            self._t_slows += 1

    @property
    def total(self):
        self._advance()
        return self._t_calls

    @property
    def failures(self):
        self._advance()
        return self._t_fails

    @property
    def slow_calls(self):
        self._advance()
        return self._t_slows

    @property
    def failure_rate(self):
        self._advance()
        return self._t_fails * 100.0 / self._t_calls if self._t_calls else None

    @property
    def slow_call_rate(self):
        self._advance()
        return self._t_slows * 100.0 / self._t_calls if self._t_calls else None


def _bad(count, total, threshold):
    return count * 100 >= threshold * total


class CircuitBreaker:
    def __init__(self, failure_rate_threshold=50.0, window_seconds=100.0, window_buckets=100,
                 minimum_calls=100, slow_call_duration=60.0, slow_call_rate_threshold=100.0,
                 recovery_timeout=60.0, half_open_max_calls=10, exclude=(),
                 is_failure=is_failure_by_default,
                 is_failure_result=is_failure_result_by_default, on_state_change=None, *,
                 name="breaker", clock=time.monotonic):
        for label, v in (("failure_rate_threshold", failure_rate_threshold),
                         ("slow_call_rate_threshold", slow_call_rate_threshold)):
            if not (_num(v) and 0 < v <= 100):
                raise ValueError(f"{label} must be in (0, 100]")
        for label, v in (("window_seconds", window_seconds),
                         ("slow_call_duration", slow_call_duration)):
            if not (_num(v) and v > 0):
                raise ValueError(f"{label} must be > 0")
        for label, v in (("window_buckets", window_buckets), ("minimum_calls", minimum_calls),
                         ("half_open_max_calls", half_open_max_calls)):
            if not _int1(v):
                raise ValueError(f"{label} must be an int >= 1")
        if not (_num(recovery_timeout) and recovery_timeout >= 0):
            raise ValueError("recovery_timeout must be >= 0")
        exclude = tuple(exclude)
        for k in exclude:
            if not (isinstance(k, type) and issubclass(k, BaseException)):
                raise ValueError(f"exclude: {k!r}")
        if not (callable(is_failure) and callable(is_failure_result)):
            raise ValueError("predicates must be callable")
        self.name = name
        self._frt = failure_rate_threshold
        self._srt = slow_call_rate_threshold
        self._minimum = minimum_calls
        self._slow_after = slow_call_duration
        self._timeout = recovery_timeout
        self._max_trials = half_open_max_calls
        self._exclude = exclude
        self._is_failure = is_failure
        self._is_failure_result = is_failure_result
        self._listener = on_state_change
        self._clock = clock
        self._lock = threading.RLock()
        self._window = TimeWindow(window_seconds, window_buckets, clock)
        self._state = State.CLOSED
        self._stay = 0
        self._deadline = 0.0
        self._admitted = 0
        self._trials = [0, 0, 0]

    @property
    def state(self):
        return self._state

    def _rate(self, which):
        with self._lock:
            w = self._window
            if w.total < self._minimum:
                return None
            return w.failure_rate if which == "f" else w.slow_call_rate

    @property
    def failure_rate(self):
        return self._rate("f")

    @property
    def slow_call_rate(self):
        return self._rate("s")

    def _go(self, new, events):
        events.append((self._state, new))
        self._state = new
        self._stay += 1
        if new is State.OPEN:
            self._deadline = self._clock() + self._timeout
        elif new is State.HALF_OPEN:
            self._admitted = 0
            self._trials = [0, 0, 0]
        else:
            self._window.clear()

    def _tell(self, events):
        if self._listener is not None:
            for old, new in events:
                self._listener(old, new)

    def _too_bad(self, fails, slows, total):
        return _bad(fails, total, self._frt) or _bad(slows, total, self._srt)

    def _admit(self):
        events = []
        try:
            with self._lock:
                if self._state is State.OPEN:
                    left = self._deadline - self._clock()
                    if left > 0:
                        raise CircuitOpenError(self.name, left)
                    self._go(State.HALF_OPEN, events)
                if self._state is State.HALF_OPEN:
                    if self._admitted >= self._max_trials:
                        raise CircuitOpenError(self.name, 0.0)
                    self._admitted += 1
                return self._stay
        finally:
            self._tell(events)

    def _complete(self, stay, failed, slow):
        events = []
        with self._lock:
            if stay == self._stay:
                if self._state is State.CLOSED:
                    w = self._window
                    w.record(failed, slow)
                    total = w.total
                    if total >= self._minimum and self._too_bad(w.failures, w.slow_calls, total):
                        self._go(State.OPEN, events)
                elif self._state is State.HALF_OPEN:
                    t = self._trials
                    t[0] += 1
                    t[1] += bool(failed)
                    t[2] += bool(slow)
                    if t[0] >= self._max_trials:
                        self._go(State.OPEN if self._too_bad(t[1], t[2], t[0]) else State.CLOSED,
                                 events)
        self._tell(events)

    def _abandon(self, stay):
        with self._lock:
            if stay == self._stay and self._state is State.HALF_OPEN:
                self._admitted -= 1

    def call(self, func, *args, **kwargs):
        stay = self._admit()
        started = self._clock()
        try:
            result = func(*args, **kwargs)
        except Exception as error:
            slow = self._clock() > started + self._slow_after
            if isinstance(error, self._exclude):
                self._complete(stay, False, slow)
                raise
            try:
                failed = self._is_failure(error)
            except Exception:
                self._complete(stay, True, slow)
                raise
            self._complete(stay, failed, slow)
            raise
        except BaseException:
            self._abandon(stay)
            raise
        slow = self._clock() > started + self._slow_after
        try:
            failed = self._is_failure_result(result)
        except Exception:
            self._complete(stay, True, slow)
            raise
        self._complete(stay, failed, slow)
        return result

    def __call__(self, func):
        @functools.wraps(func)
        def guarded(*args, **kwargs):
            return self.call(func, *args, **kwargs)
        return guarded
