"""Correct, built differently: Resilience4j's way, optimistic. Decisions are made outside any lock on an immutable snapshot, and written with a compare-and-set that retries when another thread got there first."""

import enum
import functools
import threading
import time
from typing import NamedTuple

import requests

ACCEPTED = True


class State(enum.Enum):
    CLOSED = "closed"
    OPEN = "open"
    HALF_OPEN = "half_open"


class CircuitOpenError(Exception):
    def __init__(self, name, retry_after):
        super().__init__(f"breaker {name} is open, retry after {retry_after:g} s")
        self.name = name
        self.retry_after = retry_after


def is_failure_by_default(error):
    if isinstance(error, requests.HTTPError):
        return error.response is not None and error.response.status_code >= 500
    return isinstance(error, (requests.ConnectionError, requests.Timeout))


def is_failure_result_by_default(result):
    return isinstance(result, requests.Response) and result.status_code >= 500


class Snapshot(NamedTuple):
    state: State
    epoch: int  # one more at every transition
    failures: int = 0  # CLOSED: in a row
    opened_at: float = 0.0
    in_flight: int = 0  # HALF_OPEN: trials running
    successes: int = 0  # HALF_OPEN: trial successes


FAILED, SUCCEEDED, NO_VERDICT = "failed", "succeeded", "no verdict"


class CircuitBreaker:
    def __init__(self, failure_threshold=5, recovery_timeout=30.0, success_threshold=2, *,
                 half_open_max_calls=1, exclude=(), is_failure=is_failure_by_default,
                 is_failure_result=is_failure_result_by_default, on_state_change=None,
                 name="breaker", clock=time.monotonic):
        for label, value in (("failure_threshold", failure_threshold),
                             ("success_threshold", success_threshold),
                             ("half_open_max_calls", half_open_max_calls)):
            if type(value) is not int or value < 1:
                raise ValueError(f"{label} must be a positive int, got {value!r}")
        if isinstance(recovery_timeout, bool) or recovery_timeout < 0:
            raise ValueError(f"recovery_timeout must be >= 0, got {recovery_timeout!r}")
        exclude = tuple(exclude)
        if not all(isinstance(kind, type) and issubclass(kind, BaseException)
                   for kind in exclude):
            raise ValueError("exclude must list exception classes")
        if not (callable(is_failure) and callable(is_failure_result)):
            raise ValueError("is_failure and is_failure_result must be callable")
        self.name = name
        self._limits = (failure_threshold, success_threshold, half_open_max_calls)
        self._timeout = recovery_timeout
        self._exclude = exclude
        self._is_failure = is_failure
        self._is_failure_result = is_failure_result
        self._on_state_change = on_state_change
        self._clock = clock
        self._snapshot = Snapshot(State.CLOSED, 0)
        self._swap_lock = threading.Lock()  # held only to compare and swap one reference

    @property
    def state(self):
        return self._snapshot.state

    @property
    def failure_count(self):
        return self._snapshot.failures

    def __call__(self, func):
        @functools.wraps(func)
        def guarded(*args, **kwargs):
            return self.call(func, *args, **kwargs)
        return guarded

    def call(self, func, *args, **kwargs):
        ticket = self._admit()
        verdict = NO_VERDICT
        try:
            result = func(*args, **kwargs)
        except Exception as error:
            verdict = FAILED  # stays so if a predicate raises
            if isinstance(error, self._exclude) or not self._is_failure(error):
                verdict = SUCCEEDED
            raise
        else:
            verdict = FAILED
            if not self._is_failure_result(result):
                verdict = SUCCEEDED
            return result
        finally:
            self._finish(ticket, verdict)

    def _compare_and_set(self, expected, new):
        with self._swap_lock:
            if self._snapshot is not expected:
                return False
            self._snapshot = new
            return True

    def _admit(self):
        now = self._clock()
        _, _, max_trials = self._limits
        while True:
            seen = self._snapshot
            if seen.state is State.CLOSED:
                return seen
            if seen.state is State.OPEN:
                left = seen.opened_at + self._timeout - now
                if left > 0:
                    raise CircuitOpenError(self.name, left)
                new = Snapshot(State.HALF_OPEN, seen.epoch + 1, opened_at=seen.opened_at,
                               in_flight=1)
            elif seen.in_flight >= max_trials:
                raise CircuitOpenError(self.name, 0.0)
            else:
                new = seen._replace(in_flight=seen.in_flight + 1)
            if self._compare_and_set(seen, new):
                self._announce(seen, new)
                return new
            # another thread changed the snapshot first: decide again on the new one

    def _finish(self, ticket, verdict):
        now = self._clock()
        while True:
            seen = self._snapshot
            if seen.epoch != ticket.epoch:
                return  # a late result: its stay is over
            new = self._next(seen, verdict, now)
            if new is seen or self._compare_and_set(seen, new):
                self._announce(seen, new)
                return

    def _next(self, seen, verdict, now):
        failure_threshold, success_threshold, _ = self._limits
        if seen.state is State.HALF_OPEN:
            if verdict == FAILED:
                return Snapshot(State.OPEN, seen.epoch + 1, opened_at=now)
            if verdict == NO_VERDICT:
                return seen._replace(in_flight=seen.in_flight - 1)
            if seen.successes + 1 >= success_threshold:
                return Snapshot(State.CLOSED, seen.epoch + 1)
            return seen._replace(in_flight=seen.in_flight - 1, successes=seen.successes + 1)
        if verdict == FAILED:
            if seen.failures + 1 >= failure_threshold:
                return Snapshot(State.OPEN, seen.epoch + 1, opened_at=now)
            return seen._replace(failures=seen.failures + 1)
        if verdict == SUCCEEDED and seen.failures:
            return seen._replace(failures=0)
        return seen

    def _announce(self, before, after):
        if after.state is not before.state and self._on_state_change is not None:
            self._on_state_change(before.state, after.state)
