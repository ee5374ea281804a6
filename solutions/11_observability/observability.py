"""Lesson 11 reference: observability.

The breaker of lessons 4-6 and the registry of lesson 10, made visible:

* every transition and every outcome becomes an :class:`Event` handed to each listener;
* :meth:`CircuitBreaker.metrics` returns a frozen :class:`Metrics` snapshot;
* :func:`status_line` and :meth:`BreakerRegistry.status_lines` say it in one line a human
  (or a health endpoint) can read.

Two rules shape the code. Events are *collected* under the breaker's lock, where the state
changes, and *published* after the lock is released, so a listener may read the breaker (or
be slow) without blocking or deadlocking it. And every listener runs inside its own
``try``: a listener that raises is logged and skipped, and can change neither the state
machine nor what the caller gets, nor stop the other listeners.
"""

from __future__ import annotations

import enum
import functools
import logging
import threading
import time
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Mapping, NamedTuple, TypeVar
from urllib.parse import urlsplit

import requests

T = TypeVar("T")
logger = logging.getLogger(__name__)

# -- what the breaker tells the world -------------------------------------------------------

#: The kinds of :class:`Event`.
STATE_CHANGE, SUCCESS, FAILURE, REJECTED, IGNORED = (
    "state_change", "success", "failure", "rejected", "ignored")


class State(enum.Enum):
    """The three states of a circuit breaker."""

    CLOSED = "closed"  #: calls flow; consecutive failures are counted
    OPEN = "open"  #: calls are rejected without reaching the service
    HALF_OPEN = "half_open"  #: a few trial calls decide between CLOSED and OPEN


@dataclass(frozen=True)
class Event:
    """One thing that happened to a breaker, as its listeners receive it.

    ``kind`` is one of ``"state_change"``, ``"success"``, ``"failure"``, ``"rejected"``,
    ``"ignored"``; ``breaker`` is the breaker's name; ``time`` is the breaker's clock when it
    happened. ``from_state`` and ``to_state`` are set for a state change only. ``error`` is
    the exception the caller receives (the service's own exception, or the
    ``CircuitOpenError`` of a rejection), ``None`` when the call returned.
    """

    kind: str
    breaker: str
    time: float
    from_state: State | None = None
    to_state: State | None = None
    error: BaseException | None = None


Listener = Callable[[Event], None]


@dataclass(frozen=True)
class Metrics:
    """A breaker's numbers at one moment; a value that never changes afterwards.

    Counts run from the breaker's creation and only ever go up. ``calls`` counts the calls
    that reached the service: ``successes + failures + ignored``. Rejections never reached
    it, so they are counted apart and never as calls. ``failure_rate`` is the percentage of
    judged calls (successes and failures) that failed, 0.0 before the first one.
    ``seconds_in_state`` is the time since the last transition (or since creation).
    """

    calls: int
    successes: int
    failures: int
    rejections: int
    ignored: int
    failure_rate: float
    state: State
    seconds_in_state: float


# -- the breaker of lessons 4-6, with events and metrics ----------------------------------------


class CircuitOpenError(Exception):
    """Raised instead of calling the service while the breaker rejects calls.

    ``name`` is the breaker's name; ``retry_after`` is how many seconds remain until a trial
    call will be admitted (0 when a trial is already in flight).
    """

    def __init__(self, name: str, retry_after: float) -> None:
        super().__init__(f"circuit {name!r} is open; a trial call is allowed in "
                         f"{retry_after:.1f} s")
        self.name = name
        self.retry_after = retry_after


def is_failure_by_default(error: BaseException) -> bool:
    """Connection errors, timeouts and HTTP errors with a 5xx response are failures."""
    if isinstance(error, requests.HTTPError):
        return error.response is not None and error.response.status_code >= 500
    return isinstance(error, (requests.ConnectionError, requests.Timeout))


def is_failure_result_by_default(result: object) -> bool:
    """A returned ``requests.Response`` with a 5xx status is a failure (the caller gets it)."""
    return isinstance(result, requests.Response) and result.status_code >= 500


class _Ticket(NamedTuple):
    """What an admitted call carries until it finishes: the breaker period it started in."""

    generation: int  #: the breaker's transition count when the call was admitted
    trial: bool  #: admitted as a half-open trial


def _require_positive_int(name: str, value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"{name} must be an int of at least 1, got {value!r}")


class CircuitBreaker:
    """A count-based circuit breaker (lessons 4-6) that reports what it does.

    CLOSED: ``failure_threshold`` consecutive failures open it. OPEN: calls are rejected with
    :class:`CircuitOpenError` until ``recovery_timeout`` seconds have passed; then up to
    ``half_open_max_calls`` trial calls at once are admitted (HALF_OPEN). A trial failure
    re-opens it (and restarts the timeout); ``success_threshold`` trial successes close it.

    Listeners added with :meth:`add_listener` receive an :class:`Event` for every transition
    and every call; ``on_state_change(old, new)`` hears the transitions. Neither can break
    the breaker: what they raise is logged and ignored.
    """

    def __init__(self, failure_threshold: int = 5, recovery_timeout: float = 30.0,
                 success_threshold: int = 2, *, half_open_max_calls: int = 1,
                 exclude: Iterable[type[BaseException]] = (),
                 is_failure: Callable[[BaseException], bool] = is_failure_by_default,
                 is_failure_result: Callable[[object], bool] = is_failure_result_by_default,
                 on_state_change: Callable[[State, State], None] | None = None,
                 name: str = "breaker", clock: Callable[[], float] = time.monotonic) -> None:
        _require_positive_int("failure_threshold", failure_threshold)
        _require_positive_int("success_threshold", success_threshold)
        _require_positive_int("half_open_max_calls", half_open_max_calls)
        if isinstance(recovery_timeout, bool) or not isinstance(recovery_timeout, (int, float)) \
                or recovery_timeout < 0:
            raise ValueError(f"recovery_timeout must be a number of seconds >= 0, "
                             f"got {recovery_timeout!r}")
        self.name = name
        self._failure_threshold = failure_threshold
        self._recovery_timeout = float(recovery_timeout)
        self._success_threshold = success_threshold
        self._half_open_max_calls = half_open_max_calls
        self._exclude = tuple(exclude)
        self._is_failure = is_failure
        self._is_failure_result = is_failure_result
        self._on_state_change = on_state_change
        self._clock = clock
        self._lock = threading.Lock()
        self._state = State.CLOSED
        self._generation = 0  # +1 on every transition, so late results can be told apart
        self._failure_count = 0  # consecutive failures while CLOSED
        self._trial_successes = 0
        self._trials_in_flight = 0
        self._opened_at = 0.0
        # Lesson 11: what the metrics and the listeners need.
        self._entered_at = clock()  # when the current state began
        self._successes = self._failures = self._ignored = self._rejections = 0
        self._listeners: tuple[Listener, ...] = ()  # replaced, never mutated: see _publish

    # -- what callers see -----------------------------------------------------------------

    @property
    def state(self) -> State:
        """The current state. Reading it never changes it: OPEN turns HALF_OPEN on a call."""
        with self._lock:
            return self._state

    @property
    def failure_count(self) -> int:
        """Consecutive failures counted while CLOSED."""
        with self._lock:
            return self._failure_count

    def add_listener(self, listener: Listener) -> None:
        """Call ``listener(event)`` for every transition and every call from now on."""
        with self._lock:
            self._listeners = (*self._listeners, listener)

    def metrics(self) -> Metrics:
        """A snapshot of the counts, the state and the time spent in it."""
        with self._lock:
            judged = self._successes + self._failures
            return Metrics(
                calls=judged + self._ignored,
                successes=self._successes,
                failures=self._failures,
                rejections=self._rejections,
                ignored=self._ignored,
                failure_rate=100.0 * self._failures / judged if judged else 0.0,
                state=self._state,
                seconds_in_state=self._clock() - self._entered_at,
            )

    def __call__(self, func: Callable[..., T]) -> Callable[..., T]:
        """The decorator form: ``@breaker`` runs every call of ``func`` through :meth:`call`."""

        @functools.wraps(func)
        def guarded(*args: Any, **kwargs: Any) -> T:
            return self.call(func, *args, **kwargs)

        return guarded

    def call(self, func: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run ``func(*args, **kwargs)`` through the breaker; reject it while OPEN."""
        ticket = self._admit()
        try:
            result = func(*args, **kwargs)
        except Exception as error:
            self._record(ticket, failed=self._counts_as_failure(error), error=error)
            raise
        except BaseException as error:  # Ctrl-C, SystemExit: neither success nor failure
            self._release(ticket, error)
            raise
        self._record(ticket, failed=self._is_failure_result(result), error=None)
        return result

    # -- the state machine: every change under the lock, every event after it ----------------

    def _counts_as_failure(self, error: Exception) -> bool:
        return not isinstance(error, self._exclude) and self._is_failure(error)

    def _admit(self) -> _Ticket:
        events: list[Event] = []
        with self._lock:
            now = self._clock()
            if self._state is State.OPEN and now - self._opened_at >= self._recovery_timeout:
                events.append(self._move_to(State.HALF_OPEN, now))
            ticket: _Ticket | None = None
            if self._state is State.CLOSED:
                ticket = _Ticket(self._generation, trial=False)
            elif self._state is State.HALF_OPEN and \
                    self._trials_in_flight < self._half_open_max_calls:
                self._trials_in_flight += 1
                ticket = _Ticket(self._generation, trial=True)
            else:
                self._rejections += 1
                rejection = CircuitOpenError(self.name, self._retry_after(now))
                events.append(Event(REJECTED, self.name, now, error=rejection))
        self._publish(events)
        if ticket is None:
            raise rejection
        return ticket

    def _record(self, ticket: _Ticket, *, failed: bool, error: Exception | None) -> None:
        events: list[Event] = []
        with self._lock:
            now = self._clock()
            # Every call that ran is counted and reported, a late one included...
            if failed:
                self._failures += 1
            else:
                self._successes += 1
            events.append(Event(FAILURE if failed else SUCCESS, self.name, now, error=error))
            # ...but only a call of the current period may move the state machine.
            if ticket.generation == self._generation:
                if self._state is State.CLOSED:
                    self._failure_count = self._failure_count + 1 if failed else 0
                    if self._failure_count >= self._failure_threshold:
                        events.append(self._move_to(State.OPEN, now))
                elif self._state is State.HALF_OPEN:
                    self._trials_in_flight -= 1
                    if failed:
                        events.append(self._move_to(State.OPEN, now))
                    else:
                        self._trial_successes += 1
                        if self._trial_successes >= self._success_threshold:
                            events.append(self._move_to(State.CLOSED, now))
        self._publish(events)

    def _release(self, ticket: _Ticket, error: BaseException) -> None:
        with self._lock:
            self._ignored += 1
            if ticket.trial and ticket.generation == self._generation:
                self._trials_in_flight -= 1
            event = Event(IGNORED, self.name, self._clock(), error=error)
        self._publish([event])

    def _move_to(self, new: State, now: float) -> Event:
        """Change state (the caller holds the lock) and describe the change as an event."""
        old, self._state = self._state, new
        self._generation += 1
        self._entered_at = now
        self._failure_count = 0
        self._trial_successes = 0
        self._trials_in_flight = 0
        if new is State.OPEN:
            self._opened_at = now  # only the transition into OPEN stamps the open time
        return Event(STATE_CHANGE, self.name, now, from_state=old, to_state=new)

    def _retry_after(self, now: float) -> float:
        if self._state is not State.OPEN:
            return 0.0
        return max(0.0, self._opened_at + self._recovery_timeout - now)

    # -- publishing: outside the lock, each listener on its own ------------------------------

    def _publish(self, events: list[Event]) -> None:
        """Hand each event to ``on_state_change`` and every listener, in order.

        Runs after the lock is released. ``self._listeners`` is a tuple that
        :meth:`add_listener` replaces, so reading it here needs no lock.
        """
        listeners = self._listeners
        for event in events:
            if event.kind == STATE_CHANGE and self._on_state_change is not None:
                self._notify(self._on_state_change, event.from_state, event.to_state)
            for listener in listeners:
                self._notify(listener, event)

    def _notify(self, callback: Callable[..., object], *args: object) -> None:
        """Run one callback; what it raises is logged, never passed on."""
        try:
            callback(*args)
        except Exception:  # a bug in a listener must not become a bug in every call
            logger.warning("a listener of circuit breaker %r raised; ignored", self.name,
                           exc_info=True)


def status_line(breaker: CircuitBreaker) -> str:
    """One line for a human or a health endpoint.

    ``users: CLOSED, 12 calls, 3 failures (25%), 0 rejected, 3.0 s in state``
    """
    m = breaker.metrics()
    return (f"{breaker.name}: {m.state.name}, {m.calls} calls, {m.failures} failures "
            f"({m.failure_rate:.0f}%), {m.rejections} rejected, "
            f"{m.seconds_in_state:.1f} s in state")


# -- the registry of lesson 10, with a status line per breaker --------------------------------


class BreakerRegistry:
    """One circuit breaker per downstream service, created on first use and then reused.

    ``defaults`` are the breaker settings every service gets; ``overrides`` maps a service
    name to the settings that differ for it (merged on top of the defaults). Every breaker is
    built as ``factory(name=service, clock=clock, **settings)``. Bad settings fail here.
    """

    def __init__(self, defaults: Mapping[str, Any] | None = None,
                 overrides: Mapping[str, Mapping[str, Any]] | None = None, *,
                 clock: Callable[[], float] = time.monotonic,
                 factory: Callable[..., CircuitBreaker] = CircuitBreaker) -> None:
        self._defaults = dict(defaults or {})
        self._overrides = {service: dict(settings)
                           for service, settings in (overrides or {}).items()}
        self._clock = clock
        self._factory = factory
        self._breakers: dict[str, CircuitBreaker] = {}
        self._lock = threading.Lock()
        for service in ["(defaults)", *self._overrides]:
            self._build(service)  # the breaker's constructor rejects bad settings now

    def get(self, service: str) -> CircuitBreaker:
        """The breaker of ``service``: the same object on every call for the same name."""
        with self._lock:
            breaker = self._breakers.get(service)
            if breaker is None:
                breaker = self._breakers[service] = self._build(service)
            return breaker

    def for_url(self, url: str) -> CircuitBreaker:
        """The breaker of the service a URL points to: keyed by host (and port), never path."""
        return self.get(_service_of(url))

    def names(self) -> list[str]:
        """The services that have a breaker so far, sorted."""
        with self._lock:
            return sorted(self._breakers)

    def status_lines(self) -> list[str]:
        """One :func:`status_line` per breaker, sorted by service name."""
        with self._lock:
            breakers = [self._breakers[name] for name in sorted(self._breakers)]
        # Outside the registry's lock: each breaker takes its own lock for its snapshot.
        return [status_line(breaker) for breaker in breakers]

    def _build(self, service: str) -> CircuitBreaker:
        settings = {**self._defaults, **self._overrides.get(service, {})}
        return self._factory(name=service, clock=self._clock, **settings)


def _service_of(url: str) -> str:
    """The registry key of a URL: its host, plus ``:port`` when the URL names a port."""
    parts = urlsplit(url)
    if not parts.hostname:
        raise ValueError(f"{url!r} names no host, so it names no service")
    return parts.hostname if parts.port is None else f"{parts.hostname}:{parts.port}"
