"""Lesson 10 reference: one breaker per dependency.

The first half of this file is the breaker of lessons 4-6, handed to the learner as a working
baseline (count-based, thread safe, classification defaults, ``on_state_change``). The second
half is the lesson: a registry that gives every downstream service its own breaker, with its
own settings, and never two breakers for one service even when many threads ask at once.
"""

from __future__ import annotations

import enum
import functools
import threading
import time
from typing import Any, Callable, Iterable, Mapping, NamedTuple, TypeVar
from urllib.parse import urlsplit

import requests

T = TypeVar("T")

# ===================================================================================
# The breaker from lessons 4-6: a working baseline. Nothing to change in this part.
# ===================================================================================


class State(enum.Enum):
    """The three states of a circuit breaker."""

    CLOSED = "closed"  #: calls flow; consecutive failures are counted
    OPEN = "open"  #: calls are rejected without reaching the service
    HALF_OPEN = "half_open"  #: a few trial calls decide between CLOSED and OPEN


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
    """A count-based circuit breaker (lessons 4-6).

    CLOSED: ``failure_threshold`` consecutive failures open it. OPEN: calls are rejected with
    :class:`CircuitOpenError` until ``recovery_timeout`` seconds have passed; then up to
    ``half_open_max_calls`` trial calls at once are admitted (HALF_OPEN). A trial failure
    re-opens it (and restarts the timeout); ``success_threshold`` trial successes close it.
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
            self._record(ticket, failed=self._counts_as_failure(error))
            raise
        except BaseException:  # Ctrl-C, SystemExit: neither success nor failure
            self._release(ticket)
            raise
        self._record(ticket, failed=self._is_failure_result(result))
        return result

    # -- the state machine (every change under the lock) ------------------------------------

    def _counts_as_failure(self, error: Exception) -> bool:
        return not isinstance(error, self._exclude) and self._is_failure(error)

    def _admit(self) -> _Ticket:
        changes: list[tuple[State, State]] = []
        with self._lock:
            now = self._clock()
            if self._state is State.OPEN and now - self._opened_at >= self._recovery_timeout:
                changes.append(self._move_to(State.HALF_OPEN, now))
            ticket: _Ticket | None = None
            if self._state is State.CLOSED:
                ticket = _Ticket(self._generation, trial=False)
            elif self._state is State.HALF_OPEN and \
                    self._trials_in_flight < self._half_open_max_calls:
                self._trials_in_flight += 1
                ticket = _Ticket(self._generation, trial=True)
            retry_after = self._retry_after(now)
        self._announce(changes)
        if ticket is None:
            raise CircuitOpenError(self.name, retry_after)
        return ticket

    def _record(self, ticket: _Ticket, *, failed: bool) -> None:
        changes: list[tuple[State, State]] = []
        with self._lock:
            now = self._clock()
            if ticket.generation == self._generation:  # a late result changes nothing
                if self._state is State.CLOSED:
                    self._failure_count = self._failure_count + 1 if failed else 0
                    if self._failure_count >= self._failure_threshold:
                        changes.append(self._move_to(State.OPEN, now))
                elif self._state is State.HALF_OPEN:
                    self._trials_in_flight -= 1
                    if failed:
                        changes.append(self._move_to(State.OPEN, now))
                    else:
                        self._trial_successes += 1
                        if self._trial_successes >= self._success_threshold:
                            changes.append(self._move_to(State.CLOSED, now))
        self._announce(changes)

    def _release(self, ticket: _Ticket) -> None:
        with self._lock:
            if ticket.trial and ticket.generation == self._generation:
                self._trials_in_flight -= 1

    def _move_to(self, new: State, now: float) -> tuple[State, State]:
        old, self._state = self._state, new
        self._generation += 1
        self._failure_count = 0
        self._trial_successes = 0
        self._trials_in_flight = 0
        if new is State.OPEN:
            self._opened_at = now  # only the transition into OPEN stamps the open time
        return old, new

    def _retry_after(self, now: float) -> float:
        if self._state is not State.OPEN:
            return 0.0
        return max(0.0, self._opened_at + self._recovery_timeout - now)

    def _announce(self, changes: list[tuple[State, State]]) -> None:
        # Called after the lock is released, so the callback may read the breaker.
        if self._on_state_change is not None:
            for old, new in changes:
                self._on_state_change(old, new)


# ===================================================================================
# Lesson 10: the registry.
# ===================================================================================


class BreakerRegistry:
    """One circuit breaker per downstream service, created on first use and then reused.

    ``defaults`` are the breaker settings every service gets; ``overrides`` maps a service
    name to the settings that differ for it (merged on top of the defaults). Every breaker is
    built as ``factory(name=service, clock=clock, **settings)``, so its name is the service's
    and it runs on the registry's clock. Bad settings fail here, when the registry is created.
    """

    def __init__(self, defaults: Mapping[str, Any] | None = None,
                 overrides: Mapping[str, Mapping[str, Any]] | None = None, *,
                 clock: Callable[[], float] = time.monotonic,
                 factory: Callable[..., CircuitBreaker] = CircuitBreaker) -> None:
        # Copies: a caller who later edits their dicts cannot change our breakers, and
        # merging an override can never write into the shared defaults.
        self._defaults = dict(defaults or {})
        self._overrides = {service: dict(settings)
                           for service, settings in (overrides or {}).items()}
        self._clock = clock
        self._factory = factory
        self._breakers: dict[str, CircuitBreaker] = {}
        self._lock = threading.Lock()
        self._check_settings()

    def get(self, service: str) -> CircuitBreaker:
        """The breaker of ``service``: the same object on every call for the same name."""
        # Lookup and insert happen under one lock: two threads asking for a new service at
        # the same moment must not each build (and keep) a breaker of their own.
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

    def _settings_for(self, service: str) -> dict[str, Any]:
        return {**self._defaults, **self._overrides.get(service, {})}

    def _build(self, service: str) -> CircuitBreaker:
        return self._factory(name=service, clock=self._clock, **self._settings_for(service))

    def _check_settings(self) -> None:
        """Build (and drop) a breaker from the defaults and from each override.

        The breaker's own validation then rejects a 0 or a typo at start-up, instead of at
        the first call to that service hours later.
        """
        for service in ["(defaults)", *self._overrides]:
            self._build(service)


def _service_of(url: str) -> str:
    """The registry key of a URL: its host, plus ``:port`` when the URL names a port.

    ``http://users.test/users/1`` and ``http://users.test/users/2`` are one service
    (``users.test``); ``http://127.0.0.1:8001/`` and ``http://127.0.0.1:8002/`` are two.
    """
    parts = urlsplit(url)
    if not parts.hostname:
        raise ValueError(f"{url!r} names no host, so it names no service")
    return parts.hostname if parts.port is None else f"{parts.hostname}:{parts.port}"
