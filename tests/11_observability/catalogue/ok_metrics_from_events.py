"""Correct, built differently: metrics count the events as they are made (under the lock);
reading state derives HALF_OPEN without switching."""

ACCEPTED = True

import enum
import functools
import logging
import threading
from collections import Counter
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



class _Tally:
    """Metrics are nothing but counted events: each one is counted as it is made, under the
    breaker's lock, so a snapshot's counts always match its state."""

    def __init__(self):
        self._counts = Counter()

    def __call__(self, event):
        self._counts[event.kind] += 1
        return event

    def counts(self):
        return Counter(self._counts)


class CircuitBreaker:
    def __init__(self, failure_threshold=5, recovery_timeout=30.0, success_threshold=2, *,
                 half_open_max_calls=1, exclude=(), is_failure=is_failure_by_default,
                 is_failure_result=is_failure_result_by_default, on_state_change=None,
                 name="breaker", clock=time.monotonic):
        settings = dict(failure_threshold=failure_threshold, success_threshold=success_threshold,
                        half_open_max_calls=half_open_max_calls)
        bad = [key for key, value in settings.items()
               if type(value) is not int or value < 1]
        if bad or not isinstance(recovery_timeout, (int, float)) or recovery_timeout < 0:
            raise ValueError(f"invalid settings: {bad or ['recovery_timeout']}")
        self.name = name
        self._settings = settings
        self._timeout = recovery_timeout
        self._exclude = tuple(exclude)
        self._is_failure = is_failure
        self._is_failure_result = is_failure_result
        self._clock = clock
        self._guard = threading.Lock()
        self._state, self._changed_at, self._period = State.CLOSED, clock(), 0
        self._failures_in_a_row = self._trial_wins = self._trials = 0
        self._tally = _Tally()
        self._subscribers = ()
        if on_state_change is not None:
            self._subscribers += (lambda event: event.kind == STATE_CHANGE
                                  and on_state_change(event.from_state, event.to_state),)

    # reading the state derives HALF_OPEN once the timeout has passed; the switch itself (and
    # its event) happens when the next call arrives
    @property
    def state(self):
        with self._guard:
            if self._state is State.OPEN and self._clock() - self._changed_at >= self._timeout:
                return State.HALF_OPEN
            return self._state

    @property
    def failure_count(self):
        with self._guard:
            return self._failures_in_a_row

    def add_listener(self, listener):
        with self._guard:
            self._subscribers = self._subscribers + (listener,)

    def metrics(self):
        with self._guard:
            state, since = self._state, self._clock() - self._changed_at
            counts = self._tally.counts()
        judged = counts[SUCCESS] + counts[FAILURE]
        return Metrics(calls=judged + counts[IGNORED], successes=counts[SUCCESS],
                       failures=counts[FAILURE], rejections=counts[REJECTED],
                       ignored=counts[IGNORED],
                       failure_rate=counts[FAILURE] * 100.0 / judged if judged else 0.0,
                       state=state, seconds_in_state=since)

    def __call__(self, func):
        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            return self.call(func, *args, **kwargs)
        return wrapper

    def call(self, func, *args, **kwargs):
        with self._guard:
            now = self._clock()
            events = self._maybe_half_open(now)
            period, rejection = self._period, None
            if self._state is State.HALF_OPEN and \
                    self._trials < self._settings["half_open_max_calls"]:
                self._trials += 1
            elif self._state is not State.CLOSED:
                wait = 0.0
                if self._state is State.OPEN:
                    wait = max(0.0, self._changed_at + self._timeout - now)
                rejection = CircuitOpenError(self.name, wait)
                events.append(self._tally(Event(REJECTED, self.name, now, error=rejection)))
        self._deliver(events)
        if rejection is not None:
            raise rejection
        try:
            result = func(*args, **kwargs)
        except Exception as error:
            failed = not isinstance(error, self._exclude) and self._is_failure(error)
            self._finish(period, FAILURE if failed else SUCCESS, error)
            raise
        except BaseException as error:
            self._finish(period, IGNORED, error)
            raise
        self._finish(period, FAILURE if self._is_failure_result(result) else SUCCESS, None)
        return result

    def _finish(self, period, kind, error):
        with self._guard:
            now = self._clock()
            events = [self._tally(Event(kind, self.name, now, error=error))]
            if period == self._period:
                events += self._judge(kind, now)
        self._deliver(events)

    def _judge(self, kind, now):
        """The state machine: what one finished call of the current period does."""
        if self._state is State.CLOSED:
            if kind == SUCCESS:
                self._failures_in_a_row = 0
            elif kind == FAILURE:
                self._failures_in_a_row += 1
                if self._failures_in_a_row >= self._settings["failure_threshold"]:
                    return [self._go(State.OPEN, now)]
            return []
        self._trials -= 1  # HALF_OPEN: this call held a trial permit
        if kind == FAILURE:
            return [self._go(State.OPEN, now)]
        if kind == SUCCESS:
            self._trial_wins += 1
            if self._trial_wins >= self._settings["success_threshold"]:
                return [self._go(State.CLOSED, now)]
        return []

    def _maybe_half_open(self, now):
        if self._state is State.OPEN and now - self._changed_at >= self._timeout:
            return [self._go(State.HALF_OPEN, now)]
        return []

    def _go(self, state, now):
        event = Event(STATE_CHANGE, self.name, now, from_state=self._state, to_state=state)
        self._state, self._changed_at, self._period = state, now, self._period + 1
        self._failures_in_a_row = self._trial_wins = self._trials = 0
        return event

    def _deliver(self, events):
        subscribers = self._subscribers
        for event in events:
            for subscriber in subscribers:
                try:
                    subscriber(event)
                except Exception as error:
                    logging.getLogger(__name__).error("listener error ignored: %r", error)


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
