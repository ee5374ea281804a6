"""Correct, built differently: one immutable record (a namedtuple with a generation number) swapped under an RLock; the default rules as `match` statements; `exclude` matched through the exception's MRO; the decorator a wrapped lambda."""
from __future__ import annotations

import enum
import functools
import threading
import time
from collections import namedtuple

import requests
from requests import exceptions as rex


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
    match error:
        case rex.ConnectionError() | rex.Timeout():
            return True
        case rex.HTTPError(response=requests.Response(status_code=code)):
            return code in range(500, 600)
        case _:
            return False


def is_failure_result_by_default(result):
    match result:
        case requests.Response(status_code=code):
            return code in range(500, 600)
    return False


ACCEPTED = True


Rec = namedtuple("Rec", "state fails wins trial opened_at gen")


class CircuitBreaker:
    def __init__(self, failure_threshold=5, recovery_timeout=30.0, success_threshold=2, *,
                 exclude=(), is_failure=is_failure_by_default,
                 is_failure_result=is_failure_result_by_default,
                 name="breaker", clock=time.monotonic):
        if not (isinstance(failure_threshold, int) and failure_threshold >= 1):
            raise ValueError("failure_threshold")
        if not (isinstance(success_threshold, int) and success_threshold >= 1):
            raise ValueError("success_threshold")
        if not recovery_timeout >= 0:
            raise ValueError("recovery_timeout")
        excluded = frozenset(exclude)
        if not all(isinstance(k, type) and issubclass(k, BaseException) for k in excluded):
            raise TypeError("exclude: exception classes only")
        if not (callable(is_failure) and callable(is_failure_result)):
            raise TypeError("predicates must be callable")
        self._excluded = excluded
        self._pred = is_failure
        self._rpred = is_failure_result
        self._cfg = (failure_threshold, float(recovery_timeout), success_threshold)
        self.name = name
        self._clock = clock
        self._lock = threading.RLock()
        self._rec = Rec(State.CLOSED, 0, 0, False, None, 0)

    @property
    def state(self):
        rec = self._rec
        if rec.state is State.OPEN and self._clock() - rec.opened_at >= self._cfg[1]:
            return State.HALF_OPEN
        return rec.state

    @property
    def failure_count(self):
        return self._rec.fails

    def __call__(self, func):
        return functools.wraps(func)(lambda *a, **k: self.call(func, *a, **k))

    def _fresh(self, state, gen, now):
        return Rec(state, 0, 0, False, now if state is State.OPEN else None, gen + 1)

    def _excluded_error(self, error):
        return any(kind in self._excluded for kind in type(error).__mro__)

    def call(self, func, *args, **kwargs):
        with self._lock:
            now = self._clock()
            rec = self._rec
            if rec.state is State.OPEN:
                elapsed = now - rec.opened_at
                if elapsed < self._cfg[1]:
                    raise CircuitOpenError(self.name, self._cfg[1] - elapsed)
                rec = self._fresh(State.HALF_OPEN, rec.gen, now)
            if rec.state is State.HALF_OPEN:
                if rec.trial:
                    self._rec = rec
                    raise CircuitOpenError(self.name, 0)
                rec = rec._replace(trial=True)
            self._rec = rec
            ticket = rec.gen
        try:
            result = func(*args, **kwargs)
        except Exception as error:
            if self._excluded_error(error):
                self._finish(ticket, "S")
                raise
            try:
                bad = self._pred(error)
            except Exception:
                self._finish(ticket, "F")
                raise
            self._finish(ticket, "F" if bad else "S")
            raise
        except BaseException:
            self._finish(ticket, "A")
            raise
        try:
            bad = self._rpred(result)
        except Exception:
            self._finish(ticket, "F")
            raise
        self._finish(ticket, "F" if bad else "S")
        return result

    def _finish(self, ticket, what):
        with self._lock:
            rec = self._rec
            if rec.gen != ticket:
                return
            threshold, _, needed = self._cfg
            if rec.state is State.CLOSED:
                if what == "F":
                    fails = rec.fails + 1
                    if fails >= threshold:
                        self._rec = self._fresh(State.OPEN, rec.gen, self._clock())
                    else:
                        self._rec = rec._replace(fails=fails)
                elif what == "S":
                    self._rec = rec._replace(fails=0)
            elif rec.state is State.HALF_OPEN:
                if what == "F":
                    self._rec = self._fresh(State.OPEN, rec.gen, self._clock())
                elif what == "S":
                    wins = rec.wins + 1
                    if wins >= needed:
                        self._rec = self._fresh(State.CLOSED, rec.gen, None)
                    else:
                        self._rec = rec._replace(wins=wins, trial=False)
                else:
                    self._rec = rec._replace(trial=False)
