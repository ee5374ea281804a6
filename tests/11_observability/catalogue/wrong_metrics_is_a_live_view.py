"""metrics() returns the breaker's live counters object, which keeps changing after the call."""

CAUGHT_BY = ["test_metrics_is_a_snapshot"]

import enum
import functools
import logging
import threading
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
        for label, value in (("failure_threshold", failure_threshold),
                             ("success_threshold", success_threshold),
                             ("half_open_max_calls", half_open_max_calls)):
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"{label} must be at least 1")
        if recovery_timeout < 0:
            raise ValueError("recovery_timeout must not be negative")
        self.name = name
        self.failure_threshold = failure_threshold
        self.recovery_timeout = recovery_timeout
        self.success_threshold = success_threshold
        self.half_open_max_calls = half_open_max_calls
        self.exclude = tuple(exclude)
        self.is_failure = is_failure
        self.is_failure_result = is_failure_result
        self.on_state_change = on_state_change
        self._clock = clock
        self._lock = threading.Lock()
        self._state = State.CLOSED
        self._epoch = 0
        self._count = 0  # consecutive failures (CLOSED) or trial successes (HALF_OPEN)
        self._in_flight = 0
        self._opened_at = 0.0
        self._since = clock()
        self._tally = {SUCCESS: 0, FAILURE: 0, IGNORED: 0, REJECTED: 0}
        self._listeners = []

    @property
    def state(self):
        with self._lock:
            return self._state

    @property
    def failure_count(self):
        with self._lock:
            return self._count if self._state is State.CLOSED else 0

    def add_listener(self, listener):
        with self._lock:
            self._listeners = self._listeners + [listener]

    def metrics(self):
        # The misconception: hand out a view of the live counters instead of a copy.
        return _LiveMetrics(self)

    def __call__(self, func):
        @functools.wraps(func)
        def guarded(*args, **kwargs):
            return self.call(func, *args, **kwargs)
        return guarded

    def call(self, func, *args, **kwargs):
        epoch = self._enter()
        try:
            result = func(*args, **kwargs)
        except Exception as error:
            failed = not isinstance(error, self.exclude) and self.is_failure(error)
            self._leave(epoch, FAILURE if failed else SUCCESS, error)
            raise
        except BaseException as error:
            self._leave(epoch, IGNORED, error)
            raise
        self._leave(epoch, FAILURE if self.is_failure_result(result) else SUCCESS, None)
        return result

    def _enter(self):
        events = []
        with self._lock:
            now = self._clock()
            if self._state is State.OPEN and now - self._opened_at >= self.recovery_timeout:
                events.append(self._switch(State.HALF_OPEN, now))
            admitted = self._state is State.CLOSED or (
                self._state is State.HALF_OPEN and self._in_flight < self.half_open_max_calls)
            if admitted:
                if self._state is State.HALF_OPEN:
                    self._in_flight += 1
                epoch = self._epoch
            else:
                self._tally[REJECTED] += 1
                wait = 0.0
                if self._state is State.OPEN:
                    wait = max(0.0, self._opened_at + self.recovery_timeout - now)
                rejection = CircuitOpenError(self.name, wait)
                events.append(Event(REJECTED, self.name, now, error=rejection))
        self._emit(events)
        if not admitted:
            raise rejection
        return epoch

    def _leave(self, epoch, kind, error):
        events = []
        with self._lock:
            now = self._clock()
            self._tally[kind] += 1
            events.append(Event(kind, self.name, now, error=error))
            if epoch == self._epoch:
                if self._state is State.HALF_OPEN:
                    self._in_flight -= 1
                if kind == FAILURE:
                    if self._state is State.HALF_OPEN:
                        events.append(self._switch(State.OPEN, now))
                    else:
                        self._count += 1
                        if self._count >= self.failure_threshold:
                            events.append(self._switch(State.OPEN, now))
                elif kind == SUCCESS:
                    if self._state is State.HALF_OPEN:
                        self._count += 1
                        if self._count >= self.success_threshold:
                            events.append(self._switch(State.CLOSED, now))
                    else:
                        self._count = 0
        self._emit(events)

    def _switch(self, new, now):
        old = self._state
        self._state = new
        self._epoch += 1
        self._count = 0
        self._in_flight = 0
        self._since = now
        if new is State.OPEN:
            self._opened_at = now
        return Event(STATE_CHANGE, self.name, now, from_state=old, to_state=new)

    def _emit(self, events):
        for event in events:
            callbacks = list(self._listeners)
            if event.kind == STATE_CHANGE and self.on_state_change is not None:
                callbacks.insert(0, lambda e: self.on_state_change(e.from_state, e.to_state))
            for callback in callbacks:
                try:
                    callback(event)
                except Exception:
                    logging.getLogger(__name__).warning("a listener failed", exc_info=True)


class _LiveMetrics:
    """Reads the breaker's counters each time an attribute is read."""

    def __init__(self, breaker):
        self._breaker = breaker

    def _tally(self, kind):
        return self._breaker._tally[kind]

    calls = property(lambda self: self.successes + self.failures + self.ignored)
    successes = property(lambda self: self._tally(SUCCESS))
    failures = property(lambda self: self._tally(FAILURE))
    rejections = property(lambda self: self._tally(REJECTED))
    ignored = property(lambda self: self._tally(IGNORED))
    state = property(lambda self: self._breaker._state)

    @property
    def failure_rate(self):
        judged = self.successes + self.failures
        return 100.0 * self.failures / judged if judged else 0.0

    @property
    def seconds_in_state(self):
        return self._breaker._clock() - self._breaker._since


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
