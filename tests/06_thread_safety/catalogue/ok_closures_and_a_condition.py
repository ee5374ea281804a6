"""Correct, built differently: the state lives in closures made by one factory function, a threading.Condition is the lock (the clock read under it), and transitions are queued and announced after leaving it."""
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
        super().__init__(name)
        self.name = name
        self.retry_after = retry_after


def is_failure_by_default(error):
    if isinstance(error, (requests.ConnectionError, requests.Timeout)):
        return True
    response = getattr(error, "response", None) if isinstance(error, requests.HTTPError) else None
    return response is not None and 500 <= response.status_code < 600


def is_failure_result_by_default(result):
    return isinstance(result, requests.Response) and 500 <= result.status_code < 600


def _machine(ft, rt, st, hm, clock, listener):
    cond = threading.Condition()
    s = {"state": State.CLOSED, "stay": 0, "fails": 0, "wins": 0, "inflight": 0, "at": 0.0}
    queue = []

    def move(new):
        queue.append((s["state"], new))
        s.update(state=new, stay=s["stay"] + 1, fails=0, wins=0, inflight=0)
        if new is State.OPEN:
            s["at"] = clock()

    def flush():
        with cond:
            events = queue[:]
            del queue[:]
        if listener:
            for old, new in events:
                listener(old, new)

    def admit():
        try:
            with cond:
                if s["state"] is State.OPEN:
                    left = s["at"] + rt - clock()
                    if left > 0:
                        return None, left
                    move(State.HALF_OPEN)
                if s["state"] is State.HALF_OPEN:
                    if s["inflight"] >= hm:
                        return None, 0.0
                    s["inflight"] += 1
                    return (s["stay"], True), 0.0
                return (s["stay"], False), 0.0
        finally:
            flush()

    def finish(ticket, verdict):
        stay, trial = ticket
        with cond:
            if stay == s["stay"]:
                if trial:
                    s["inflight"] -= 1
                    if verdict == "F":
                        move(State.OPEN)
                    elif verdict == "S":
                        s["wins"] += 1
                        if s["wins"] >= st:
                            move(State.CLOSED)
                elif verdict == "F":
                    s["fails"] += 1
                    if s["fails"] >= ft:
                        move(State.OPEN)
                elif verdict == "S":
                    s["fails"] = 0
        flush()

    return admit, finish, lambda: s["state"], lambda: s["fails"]


class CircuitBreaker:
    def __init__(self, failure_threshold=5, recovery_timeout=30.0, success_threshold=2, *,
                 half_open_max_calls=1, exclude=(), is_failure=is_failure_by_default,
                 is_failure_result=is_failure_result_by_default, on_state_change=None,
                 name="breaker", clock=time.monotonic):
        for v in (failure_threshold, success_threshold, half_open_max_calls):
            if not isinstance(v, int) or isinstance(v, bool) or v < 1:
                raise ValueError(f"{v!r} is not an int >= 1")
        if isinstance(recovery_timeout, bool) or not isinstance(recovery_timeout, (int, float)) \
                or recovery_timeout < 0:
            raise ValueError("recovery_timeout")
        self._exclude = tuple(exclude)
        if not all(isinstance(k, type) and issubclass(k, BaseException) for k in self._exclude):
            raise ValueError("exclude")
        if not (callable(is_failure) and callable(is_failure_result)):
            raise ValueError("predicates")
        self.name = name
        self._judge_error = is_failure
        self._judge_result = is_failure_result
        self._admit, self._finish, self._state, self._fails = _machine(
            failure_threshold, recovery_timeout, success_threshold, half_open_max_calls,
            clock, on_state_change)

    state = property(lambda self: self._state())
    failure_count = property(lambda self: self._fails())

    def call(self, func, *args, **kwargs):
        ticket, wait = self._admit()
        if ticket is None:
            raise CircuitOpenError(self.name, wait)
        try:
            result = func(*args, **kwargs)
        except Exception as error:
            try:
                bad = not isinstance(error, self._exclude) and self._judge_error(error)
            except Exception:
                self._finish(ticket, "F")
                raise
            self._finish(ticket, "F" if bad else "S")
            raise
        except BaseException:
            self._finish(ticket, "-")
            raise
        try:
            bad = self._judge_result(result)
        except Exception:
            self._finish(ticket, "F")
            raise
        self._finish(ticket, "F" if bad else "S")
        return result

    def __call__(self, func):
        @functools.wraps(func)
        def wrapper(*a, **k):
            return self.call(func, *a, **k)
        return wrapper
