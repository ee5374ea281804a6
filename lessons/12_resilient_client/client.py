"""Lesson 12: a resilient client.

The first half of this file is handed to you, working: lesson 2's backoff and
``Retry-After``, lesson 3's retry budget, the breaker and registry of lessons 4-10, lesson 9's
fallbacks, and two helpers for reading a streamed body in pieces. Read it, use it, leave it
as it is.

Your part is the second half: extend ``is_transient`` to what real sockets do, and write
``ResilientClient``, whose layers are, outermost first, total deadline -> fallback ->
budgeted retry -> breaker (one per host) -> per-attempt timeout -> the call. The rules are in
this lesson's README.md; ``make check LESSON=12`` grades your work.
"""

from __future__ import annotations

import enum
import functools
import random
import re
import threading
import time
from datetime import timezone
from email.utils import parsedate_to_datetime
from typing import Any, Callable, Iterable, Mapping, NamedTuple, TypeVar
from urllib.parse import urlsplit

import requests
import urllib3

T = TypeVar("T")

# =============================================================================================
# Handed over: the working parts of lessons 2, 3, 9 and 10, and two helpers for reading a
# body in pieces. Nothing to change in this part; your part starts further down.
# =============================================================================================

# -- lesson 2: how long to wait before a retry -------------------------------------------------

#: Statuses whose ``Retry-After`` header is honoured (RFC 9110: 503 and 429 use it).
RETRY_AFTER_STATUSES = frozenset({429, 503})
_DELAY_SECONDS = re.compile(r"\d+(\.\d+)?")


def full_jitter_backoff(base_delay: float = 0.05, max_delay: float = 1.0, *,
                        random: Callable[[], float] = random.random) -> Callable[[int], float]:
    """Lesson 2's backoff as a schedule: ``backoff(k)`` is the wait before retry ``k + 1``.

    ``random() * min(max_delay, base_delay * 2**k)``: full jitter under a capped exponential
    ceiling (``k = 0`` before the first retry).
    """
    if base_delay < 0 or max_delay < 0:
        raise ValueError(f"delays must not be negative (base_delay={base_delay!r}, "
                         f"max_delay={max_delay!r})")

    def backoff(k: int) -> float:
        return random() * min(max_delay, base_delay * 2 ** k)

    return backoff


def retry_after_seconds(outcome: object, wall_clock: Callable[[], float]) -> float | None:
    """Seconds a 429 or 503 asked us to wait (``Retry-After``), or ``None`` if it did not say.

    The header is delay-seconds (``"7"``, decimals tolerated) or an HTTP-date, read against
    ``wall_clock()``; a date in the past means 0. Unreadable values are ignored (``None``).
    """
    response = outcome.response if isinstance(outcome, requests.HTTPError) else outcome
    if not isinstance(response, requests.Response) or \
            response.status_code not in RETRY_AFTER_STATUSES:
        return None
    value = response.headers.get("Retry-After")
    if value is None:
        return None
    value = value.strip()
    if _DELAY_SECONDS.fullmatch(value):
        return float(value)
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return max(0.0, moment.timestamp() - wall_clock())


# -- lesson 3: the retry budget ----------------------------------------------------------------


class RetryBudget:
    """gRPC-style retry throttling: a token bucket shared by every call of a client.

    Starts full at ``max_tokens``; a transient failure costs 1 token (never below 0), any
    other outcome refunds ``token_ratio`` (never above ``max_tokens``); a retry is allowed
    only while ``tokens > max_tokens / 2``. Thread safe.
    """

    def __init__(self, max_tokens: float = 10, token_ratio: float = 0.1) -> None:
        if not max_tokens > 0:
            raise ValueError(f"max_tokens must be above 0, got {max_tokens!r}")
        if not token_ratio > 0:
            raise ValueError(f"token_ratio must be above 0, got {token_ratio!r}")
        self.max_tokens = float(max_tokens)
        self.token_ratio = float(token_ratio)
        self._tokens = self.max_tokens
        self._lock = threading.Lock()

    @property
    def tokens(self) -> float:
        with self._lock:
            return self._tokens

    def can_retry(self) -> bool:
        with self._lock:
            return self._tokens > self.max_tokens / 2

    def record_failure(self) -> None:
        with self._lock:
            self._tokens = max(0.0, self._tokens - 1)

    def record_success(self) -> None:
        with self._lock:
            self._tokens = min(self.max_tokens, self._tokens + self.token_ratio)

    def __repr__(self) -> str:
        return (f"RetryBudget(tokens={self.tokens:g}, max_tokens={self.max_tokens:g}, "
                f"token_ratio={self.token_ratio:g})")


# -- lessons 4-6 and 10: the breaker and the registry --------------------------------------


class State(enum.Enum):
    """The three states of a circuit breaker."""

    CLOSED = "closed"
    OPEN = "open"
    HALF_OPEN = "half_open"


class CircuitOpenError(Exception):
    """Raised instead of calling the service while the breaker rejects calls.

    ``name`` is the breaker's name (here the service's ``host:port``); ``retry_after`` the
    seconds until a trial call will be admitted (0 when a trial is already in flight).
    """

    def __init__(self, name: str, retry_after: float) -> None:
        super().__init__(f"circuit {name!r} is open; a trial call is allowed in "
                         f"{retry_after:.1f} s")
        self.name = name
        self.retry_after = retry_after


def is_failure_by_default(error: BaseException) -> bool:
    """An exception is a failure of the service when it is transient: ``is_transient``,
    in your part below, is the one classification both the breaker and the retry use."""
    return is_transient(error)


def is_failure_result_by_default(result: object) -> bool:
    """A returned ``requests.Response`` with a 5xx status is a failure (the caller gets it)."""
    return isinstance(result, requests.Response) and result.status_code >= 500


class _Ticket(NamedTuple):
    generation: int  #: the breaker's transition count when the call was admitted
    trial: bool  #: admitted as a half-open trial


def _require_positive_int(name: str, value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"{name} must be an int of at least 1, got {value!r}")


class CircuitBreaker:
    """A count-based, thread-safe circuit breaker (lessons 4-6).

    CLOSED: ``failure_threshold`` consecutive failures open it. OPEN: calls are rejected with
    :class:`CircuitOpenError` until ``recovery_timeout`` seconds have passed; then up to
    ``half_open_max_calls`` trial calls at once are admitted (HALF_OPEN). A trial failure
    re-opens it (and restarts the timeout); ``success_threshold`` trial successes close it.
    A result that arrives after the breaker changed state is ignored.
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
        self._generation = 0
        self._failure_count = 0
        self._trial_successes = 0
        self._trials_in_flight = 0
        self._opened_at = 0.0

    @property
    def state(self) -> State:
        """The stored state. Reading it never changes it: OPEN turns HALF_OPEN on a call."""
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
            self._opened_at = now
        return old, new

    def _retry_after(self, now: float) -> float:
        if self._state is not State.OPEN:
            return 0.0
        return max(0.0, self._opened_at + self._recovery_timeout - now)

    def _announce(self, changes: list[tuple[State, State]]) -> None:
        if self._on_state_change is not None:
            for old, new in changes:
                self._on_state_change(old, new)


class BreakerRegistry:
    """One breaker per downstream service (lesson 10), created on first use and then reused.

    Every breaker is ``factory(name=service, clock=clock, **settings)``, its settings the
    ``defaults`` with that service's ``overrides`` on top; bad settings fail here, at once.
    ``for_url(url)`` keys by host, plus ``:port`` when the URL names one.
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
            self._build(service)

    def get(self, service: str) -> CircuitBreaker:
        with self._lock:
            breaker = self._breakers.get(service)
            if breaker is None:
                breaker = self._breakers[service] = self._build(service)
            return breaker

    def for_url(self, url: str) -> CircuitBreaker:
        parts = urlsplit(url)
        if not parts.hostname:
            raise ValueError(f"{url!r} names no host, so it names no service")
        return self.get(parts.hostname if parts.port is None
                        else f"{parts.hostname}:{parts.port}")

    def names(self) -> list[str]:
        with self._lock:
            return sorted(self._breakers)

    def _build(self, service: str) -> CircuitBreaker:
        settings = {**self._defaults, **self._overrides.get(service, {})}
        return self._factory(name=service, clock=self._clock, **settings)


# -- lesson 9: fallbacks -------------------------------------------------------------------

#: A fallback: ``fallback(error, url) -> answer``, or it raises when it has none.
Fallback = Callable[..., Any]


class FallbackFailed(Exception):
    """The call could not be served *and* its fallback failed too.

    ``original`` is why the call could not be served; ``fallback_error`` what the fallback
    raised. Raised ``from fallback_error``, so the traceback shows both.
    """

    def __init__(self, original: BaseException, fallback_error: BaseException) -> None:
        super().__init__(f"the fallback failed with {type(fallback_error).__name__}: "
                         f"{fallback_error} (after {type(original).__name__}: {original})")
        self.original = original
        self.fallback_error = fallback_error


def default(value: T) -> Callable[..., T]:
    """A fallback that always answers ``value`` (the very same object)."""

    def answer_default(error: BaseException, *args: Any, **kwargs: Any) -> T:
        return value

    return answer_default


def alternate(func: Callable[..., T]) -> Callable[..., T]:
    """A fallback that asks elsewhere: ``func(*args, **kwargs)`` with the call's arguments."""

    def ask_alternate(error: BaseException, *args: Any, **kwargs: Any) -> T:
        return func(*args, **kwargs)

    return ask_alternate


def chain(*fallbacks: Fallback) -> Fallback:
    """The first answer of several fallbacks, tried in turn; the last one's error if none."""
    if not fallbacks:
        raise ValueError("chain() needs at least one fallback")

    def first_answer(error: BaseException, *args: Any, **kwargs: Any) -> Any:
        for fallback in fallbacks[:-1]:
            try:
                return fallback(error, *args, **kwargs)
            except Exception:
                continue
        return fallbacks[-1](error, *args, **kwargs)

    return first_answer


# -- new in this lesson: the deadline's error, and reading a body in pieces -------------------


class DeadlineExceeded(TimeoutError):
    """The total deadline of a ``get`` ended it before an answer came.

    ``deadline`` is the deadline in seconds and ``url`` what was asked for. When an attempt
    was cut short, ``__cause__`` is that attempt's error.
    """

    def __init__(self, deadline: float, url: str) -> None:
        super().__init__(f"GET {url}: no answer within the {deadline:g} s deadline")
        self.deadline = deadline
        self.url = url


#: How many bytes one ``read_some`` returns at most.
READ_SIZE = 64 * 1024


def read_some(response: requests.Response, timeout: float) -> bytes:
    """One read from a body fetched with ``stream=True``: the bytes that have arrived.

    Waits at most ``timeout`` seconds for the first byte, then returns what is there (up to
    ``READ_SIZE`` bytes, never waiting to fill them); ``b""`` once the body is complete.
    Raises what ``iter_content`` would: ``requests.exceptions.ChunkedEncodingError`` for a
    body cut short, ``ContentDecodingError`` for one that cannot be decoded, and
    ``requests.ReadTimeout`` when nothing arrives within ``timeout``.

    Why not ``iter_content(chunk_size=n)``? It waits until ``n`` bytes have arrived (or the
    body ends), so a server that sends one byte every 100 ms holds it for ``n`` × 100 ms.
    """
    connection = response.raw.connection
    if connection is not None and connection.sock is not None:
        connection.sock.settimeout(timeout)  # bound this read, not only each recv
    try:
        return response.raw.read1(READ_SIZE, decode_content=True) or b""
    except urllib3.exceptions.ReadTimeoutError as error:
        raise requests.ReadTimeout(error, response=response) from error
    except urllib3.exceptions.ProtocolError as error:
        raise requests.exceptions.ChunkedEncodingError(error, response=response) from error
    except urllib3.exceptions.DecodeError as error:
        raise requests.exceptions.ContentDecodingError(error, response=response) from error


def with_body(response: requests.Response, body: bytes) -> requests.Response:
    """Give a streamed ``response`` the body you read, so ``.content``, ``.text`` and
    ``.json()`` work as usual. (requests keeps a body in ``_content``; it has no public way
    to hand it one read in pieces.)"""
    response._content = body
    response._content_consumed = True
    return response


# =============================================================================================
# Lesson 12: the resilient client. This is your part.
# =============================================================================================


def is_transient(outcome: object) -> bool:
    """Whether ``outcome`` (an exception, or a returned response) may go away if we try again.

    This is lesson 2's classification, working, and the breaker above uses it too. It misses
    one kind of failure that only a real socket makes: find it in the README's table and add
    it. Transient: connection errors, timeouts, a body cut short, 5xx and 429 answers.
    """
    if isinstance(outcome, requests.Response):
        return _is_transient_status(outcome.status_code)
    if isinstance(outcome, requests.HTTPError):
        return outcome.response is not None and _is_transient_status(outcome.response.status_code)
    # TODO: one exception type of requests is missing here (see the README's table).
    return isinstance(outcome, (requests.ConnectionError, requests.Timeout))


def _is_transient_status(status: int) -> bool:
    return status == 429 or 500 <= status <= 599


class ResilientClient:
    """An HTTP client for one dependency, in layers, outermost first:

    1. a **total deadline** for the whole ``get``;
    2. the **fallback**, when the call cannot be served (rejected, failed, out of time);
    3. **retries** of transient failures, with backoff and a shared **retry budget**;
    4. the **breaker** of the URL's host, which sees every single attempt;
    5. a **per-attempt timeout**, ``min(attempt_timeout, time left)``, for connect, headers
       and body alike;
    6. the call itself, read with ``stream=True`` so that a slow body cannot outlast it.

    One client may serve many threads: keep everything that belongs to one call in locals.
    The README has the rules, and a table of what ``get`` returns or raises in every case.
    """

    def __init__(self, *, registry: BreakerRegistry, budget: RetryBudget,
                 fallback: Fallback | None = None, deadline: float = 2.0,
                 attempt_timeout: float = 0.5, max_attempts: int = 3,
                 min_attempt_time: float = 0.01,
                 backoff: Callable[[int], float] = full_jitter_backoff(),
                 session: requests.Session | None = None,
                 clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep,
                 wall_clock: Callable[[], float] = time.time) -> None:
        # TODO: check the settings (ValueError), keep them, and make a session if none is
        #       given: a plain requests.Session(), which retries nothing by itself.
        raise NotImplementedError("ResilientClient")

    def get(self, url: str, *, deadline: float | None = None) -> Any:
        """GET ``url`` within ``deadline`` seconds (the client's own when ``None``).

        Returns the response, its body read, unless it could not be served; then returns
        ``fallback(error, url)``, or without a fallback raises ``CircuitOpenError``,
        ``DeadlineExceeded`` or the last attempt's error, or returns the last 5xx/429 response.
        """
        # TODO: the layers, outermost first. A suggested split into methods:
        #   get:         the deadline (deadline_at = clock() + seconds), then the fallback
        #   retry loop:  attempts through registry.for_url(url).call(...), the budget, waits
        #   one attempt: session.get(url, timeout=(t, t), stream=True), then the body read
        #                with read_some() until it is complete or the attempt's time is up
        raise NotImplementedError("ResilientClient.get")
