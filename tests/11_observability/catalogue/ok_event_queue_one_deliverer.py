"""Correct, built differently: events queue under the lock; one thread at a time delivers them."""

ACCEPTED = True

import enum
import functools
import logging
import threading
from collections import deque
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

import requests

STATE_CHANGE, SUCCESS, FAILURE, REJECTED, IGNORED = (
    "state_change", "success", "failure", "rejected", "ignored")


class State(enum.Enum):
    CLOSED = "closed"
    OPEN = "open"
    HALF_OPEN = "half_open"


@dataclass(frozen=True)
class Event:
    kind: str
    breaker: str
    time: float
    from_state: State | None = None
    to_state: State | None = None
    error: BaseException | None = None


@dataclass(frozen=True)
class Metrics:
    calls: int
    successes: int
    failures: int
    rejections: int
    ignored: int
    failure_rate: float
    state: State
    seconds_in_state: float


class CircuitOpenError(Exception):
    def __init__(self, name, retry_after):
        super().__init__(f"{name} is open, retry in {retry_after:.1f} s")
        self.name = name
        self.retry_after = retry_after


def is_failure_by_default(error):
    if isinstance(error, requests.HTTPError):
        return error.response is not None and error.response.status_code >= 500
    return isinstance(error, (requests.ConnectionError, requests.Timeout))


def is_failure_result_by_default(result):
    return isinstance(result, requests.Response) and result.status_code >= 500



class CircuitBreaker:
    def __init__(self, failure_threshold=5, recovery_timeout=30.0, success_threshold=2, *,
                 half_open_max_calls=1, exclude=(), is_failure=is_failure_by_default,
                 is_failure_result=is_failure_result_by_default, on_state_change=None,
                 name="breaker", clock=time.monotonic):
        if min(failure_threshold, success_threshold, half_open_max_calls) < 1 or \
                recovery_timeout < 0 or any(type(v) is not int for v in (
                    failure_threshold, success_threshold, half_open_max_calls)):
            raise ValueError("thresholds must be ints >= 1, recovery_timeout >= 0")
        self.name = name
        self.limits = (failure_threshold, success_threshold, half_open_max_calls)
        self.recovery_timeout = recovery_timeout
        self.exclude, self.is_failure, self.is_failure_result = (
            tuple(exclude), is_failure, is_failure_result)
        self.on_state_change = on_state_change
        self.clock = clock
        self._mutex = threading.Lock()
        self._status = {"state": State.CLOSED, "since": clock(), "epoch": 0, "streak": 0,
                        "trials": 0, "wins": 0}
        self._counts = {SUCCESS: 0, FAILURE: 0, REJECTED: 0, IGNORED: 0}
        self._listeners = ()
        self._outbox = deque()  # events waiting to be delivered, oldest first
        self._delivering = threading.Lock()  # held by the one thread delivering

    @property
    def state(self):
        with self._mutex:
            return self._status["state"]

    @property
    def failure_count(self):
        with self._mutex:
            return self._status["streak"]

    def add_listener(self, listener):
        with self._mutex:
            self._listeners += (listener,)

    def metrics(self):
        with self._mutex:
            c, s = dict(self._counts), dict(self._status)
            now = self.clock()
        judged = c[SUCCESS] + c[FAILURE]
        return Metrics(judged + c[IGNORED], c[SUCCESS], c[FAILURE], c[REJECTED], c[IGNORED],
                       (100.0 * c[FAILURE] / judged) if judged else 0.0, s["state"],
                       now - s["since"])

    def __call__(self, func):
        @functools.wraps(func)
        def run(*args, **kwargs):
            return self.call(func, *args, **kwargs)
        return run

    def call(self, func, *args, **kwargs):
        with self._mutex:
            ticket = self._admit(self.clock())
        self._drain()
        if isinstance(ticket, CircuitOpenError):
            raise ticket
        try:
            result = func(*args, **kwargs)
        except Exception as error:
            verdict = FAILURE if not isinstance(error, self.exclude) and \
                self.is_failure(error) else SUCCESS
            self._done(ticket, verdict, error)
            raise
        except BaseException as error:
            self._done(ticket, IGNORED, error)
            raise
        self._done(ticket, FAILURE if self.is_failure_result(result) else SUCCESS, None)
        return result

    def _admit(self, now):
        s = self._status
        if s["state"] is State.OPEN and now - s["since"] >= self.recovery_timeout:
            self._move(State.HALF_OPEN, now)
        if s["state"] is State.CLOSED:
            return s["epoch"]
        if s["state"] is State.HALF_OPEN and s["trials"] < self.limits[2]:
            s["trials"] += 1
            return s["epoch"]
        self._counts[REJECTED] += 1
        wait = max(0.0, s["since"] + self.recovery_timeout - now) \
            if s["state"] is State.OPEN else 0.0
        rejection = CircuitOpenError(self.name, wait)
        self._outbox.append(Event(REJECTED, self.name, now, error=rejection))
        return rejection

    def _done(self, epoch, verdict, error):
        with self._mutex:
            now, s = self.clock(), self._status
            self._counts[verdict] += 1
            self._outbox.append(Event(verdict, self.name, now, error=error))
            if epoch == s["epoch"] and verdict != IGNORED:
                failed = verdict == FAILURE
                if s["state"] is State.CLOSED:
                    s["streak"] = s["streak"] + 1 if failed else 0
                    if s["streak"] >= self.limits[0]:
                        self._move(State.OPEN, now)
                else:
                    s["trials"] -= 1
                    s["wins"] += 0 if failed else 1
                    if failed:
                        self._move(State.OPEN, now)
                    elif s["wins"] >= self.limits[1]:
                        self._move(State.CLOSED, now)
            elif epoch == s["epoch"] and s["state"] is State.HALF_OPEN:
                s["trials"] -= 1  # an ignored trial gives its permit back
        self._drain()

    def _move(self, state, now):
        s = self._status
        self._outbox.append(Event(STATE_CHANGE, self.name, now, from_state=s["state"],
                                  to_state=state))
        s.update(state=state, since=now, epoch=s["epoch"] + 1, streak=0, trials=0, wins=0)

    def _drain(self):
        """Deliver queued events outside the breaker's lock, one delivering thread at a time.

        A thread that finds another one delivering leaves its events to it; the deliverer
        looks at the queue again after letting go, so no event is left behind.
        """
        while self._outbox:
            if not self._delivering.acquire(blocking=False):
                return
            try:
                while self._outbox:
                    self._deliver(self._outbox.popleft())
            finally:
                self._delivering.release()

    def _deliver(self, event):
        targets = list(self._listeners)
        if event.kind == STATE_CHANGE and self.on_state_change is not None:
            targets.insert(0, lambda e: self.on_state_change(e.from_state, e.to_state))
        for target in targets:
            try:
                target(event)
            except Exception:
                logging.getLogger(__name__).exception("a listener of %s raised", self.name)


def status_line(breaker):
    m = breaker.metrics()
    return (f"{breaker.name}: {m.state.name}, {m.calls} calls, {m.failures} failures "
            f"({m.failure_rate:.0f}%), {m.rejections} rejected, "
            f"{m.seconds_in_state:.1f} s in state")


class BreakerRegistry:
    def __init__(self, defaults=None, overrides=None, *, clock=time.monotonic,
                 factory=CircuitBreaker):
        self._defaults = dict(defaults or {})
        self._overrides = {name: dict(settings) for name, settings in (overrides or {}).items()}
        self._clock = clock
        self._factory = factory
        self._breakers = {}
        self._lock = threading.Lock()
        for service in ["(defaults)", *self._overrides]:
            self._build(service)

    def _build(self, service):
        settings = {**self._defaults, **self._overrides.get(service, {})}
        return self._factory(name=service, clock=self._clock, **settings)

    def get(self, service):
        with self._lock:
            if service not in self._breakers:
                self._breakers[service] = self._build(service)
            return self._breakers[service]

    def for_url(self, url):
        parts = urlsplit(url)
        if not parts.hostname:
            raise ValueError(f"no host in {url!r}")
        key = parts.hostname if parts.port is None else f"{parts.hostname}:{parts.port}"
        return self.get(key)

    def names(self):
        with self._lock:
            return sorted(self._breakers)

    def status_lines(self):
        with self._lock:
            breakers = [self._breakers[name] for name in sorted(self._breakers)]
        return [status_line(breaker) for breaker in breakers]
