"""Lesson 5 reference: the lesson-4 breaker, taught what counts as a failure.

A breaker's job is to notice that a *service* is unwell. Not every exception says that:

- connection errors, timeouts and 5xx responses do: the service is down, overloaded or broken;
- a 404, a 400 or a 409 does not: the service is up and gave an answer (the user does not
  exist, the request was invalid, the order was already paid). Neither does an exception of
  the caller's own business logic. These pass through to the caller unchanged, and they count
  as *successes*: the service answered, so the run of failures is broken, and in HALF_OPEN a
  404 proves the service is back;
- a response that was *returned*, not raised, can still be a failure: a client that does not
  call ``raise_for_status()`` hands back a 503 as a value. It counts as a failure, and the
  caller still receives it;
- KeyboardInterrupt and SystemExit (BaseExceptions that are not Exceptions) say nothing about
  the service: neither failure nor success, and never swallowed.

Three settings decide, checked in this order for a raised exception: ``exclude`` (exception
types that are never failures, subclasses included), then ``is_failure(error)``. A returned
value is judged by ``is_failure_result(value)``. The defaults encode the HTTP rules above.

Everything else is lesson 4's breaker, unchanged: ``_before_call`` admits or rejects,
``_on_success`` / ``_on_failure`` take the verdict, ``_transition_to`` changes state. The
decorator form (``@breaker``) is a thin wrapper over ``call``, so both share one code path.
"""

from __future__ import annotations

import enum
import functools
import time
from typing import Any, Callable, Iterable, TypeVar

import requests

T = TypeVar("T")


class State(enum.Enum):
    """The three states of a circuit breaker."""

    CLOSED = "closed"  #: calls pass through; failures in a row are counted
    OPEN = "open"  #: calls are rejected without reaching the service
    HALF_OPEN = "half_open"  #: trial calls, one at a time, decide between CLOSED and OPEN


class CircuitOpenError(Exception):
    """Raised instead of calling the service, while the breaker rejects calls.

    ``name`` says which breaker rejected the call; ``retry_after`` how many seconds remain
    until a trial call will be admitted (0 when a trial call is running).
    """

    def __init__(self, name: str, retry_after: float) -> None:
        super().__init__(f"circuit breaker {name!r} is open; "
                         f"a trial call is allowed in {retry_after:.1f}s")
        self.name = name
        self.retry_after = retry_after


# -- what counts as a failure ------------------------------------------------------------


def is_failure_by_default(error: BaseException) -> bool:
    """Whether a raised exception says the service is unwell (the default ``is_failure``).

    Failures: the connection failed (``requests.ConnectionError``, which includes a refused
    or reset connection), the service did not answer in time (``requests.Timeout``: connect
    and read timeouts), or it answered with a 5xx status (``requests.HTTPError`` from
    ``raise_for_status()``). Everything else, a 4xx included, is an answer, not a failure.
    """
    if isinstance(error, requests.HTTPError):
        return _is_server_error(error.response)
    return isinstance(error, (requests.ConnectionError, requests.Timeout))


def is_failure_result_by_default(result: object) -> bool:
    """Whether a returned value is a failure (the default ``is_failure_result``).

    A ``requests.Response`` with a 5xx status is one: the service failed, even though the
    client returned the response instead of raising. Any other value is a success.
    """
    return isinstance(result, requests.Response) and _is_server_error(result)


def _is_server_error(response: requests.Response | None) -> bool:
    return response is not None and response.status_code >= 500


# -- the breaker -------------------------------------------------------------------------


class CircuitBreaker:
    """A count-based circuit breaker that knows which outcomes are the service's fault.

    Use it directly or as a decorator; both share the same state::

        users_breaker = CircuitBreaker(failure_threshold=3, name="users")

        @users_breaker
        def fetch_user(user_id): ...

        fetch_user(42)                          # the same as users_breaker.call(fetch_user, 42)
    """

    def __init__(self, failure_threshold: int = 5, recovery_timeout: float = 30.0,
                 success_threshold: int = 2, *,
                 exclude: Iterable[type[BaseException]] = (),
                 is_failure: Callable[[BaseException], bool] = is_failure_by_default,
                 is_failure_result: Callable[[object], bool] = is_failure_result_by_default,
                 name: str = "breaker",
                 clock: Callable[[], float] = time.monotonic) -> None:
        # Validate everything now, and never `x or default`: 0 is a value, not "unset".
        _require(failure_threshold >= 1, "failure_threshold", failure_threshold, "at least 1")
        _require(success_threshold >= 1, "success_threshold", success_threshold, "at least 1")
        _require(recovery_timeout >= 0, "recovery_timeout", recovery_timeout, "0 or more")
        self.failure_threshold = failure_threshold
        self.recovery_timeout = float(recovery_timeout)
        self.success_threshold = success_threshold
        self.exclude = _exception_types(exclude)
        self.is_failure = _callable("is_failure", is_failure)
        self.is_failure_result = _callable("is_failure_result", is_failure_result)
        self.name = name
        self._clock = clock
        self._state = State.CLOSED
        self._failure_count = 0  # CLOSED: failures in a row
        self._trial_successes = 0  # HALF_OPEN: trial successes since the breaker half-opened
        self._trial_running = False  # HALF_OPEN: a trial call has been admitted and not ended
        self._opened_at = 0.0  # clock time of the last transition into OPEN

    # -- what callers see ----------------------------------------------------------------

    @property
    def state(self) -> State:
        """The current state (HALF_OPEN as soon as a trial call is due)."""
        self._half_open_if_due()
        return self._state

    @property
    def failure_count(self) -> int:
        """Failures in a row counted while CLOSED (0 again after any success or on closing)."""
        return self._failure_count

    def call(self, func: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run ``func(*args, **kwargs)`` through the breaker.

        The caller always gets exactly what ``func`` returned or raised: a 404 error, a
        business exception or a returned 503 response reach the caller unchanged. Only the
        breaker's bookkeeping depends on whether the outcome counts as a failure.
        """
        trial = self._before_call()
        try:
            result = func(*args, **kwargs)
        except Exception as error:
            self._judge(trial, self._counts_as_failure, error)
            raise
        except BaseException:
            self._on_abandoned(trial)  # Ctrl-C, SystemExit: no verdict, free the trial
            raise
        self._judge(trial, self.is_failure_result, result)
        return result

    def __call__(self, func: Callable[..., T]) -> Callable[..., T]:
        """The decorator form: ``@breaker`` routes every call of ``func`` through ``call``.

        ``functools.wraps`` keeps the function's name, docstring and signature visible to
        logs, debuggers and frameworks.
        """

        @functools.wraps(func)
        def through_breaker(*args: Any, **kwargs: Any) -> T:
            return self.call(func, *args, **kwargs)

        return through_breaker

    # -- classification ------------------------------------------------------------------

    def _counts_as_failure(self, error: Exception) -> bool:
        """``exclude`` first (subclasses match), then the ``is_failure`` predicate."""
        if isinstance(error, self.exclude):
            return False
        return self.is_failure(error)

    def _judge(self, trial: bool, predicate: Callable[[Any], bool], outcome: object) -> None:
        """Ask ``predicate`` whether ``outcome`` is a failure and hand the verdict to lesson
        4's bookkeeping: a failure, or a success (a non-failure is a success, in HALF_OPEN
        too: lessons/CONVENTIONS.md).

        A predicate that raises is a bug in the configuration, not an answer: the call counts
        as a failure (a broken predicate must neither hide an outage nor leave a trial running
        forever) and the predicate's exception propagates to the caller.
        """
        try:
            failed = bool(predicate(outcome))
        except Exception:
            self._on_failure(trial)
            raise
        if failed:
            self._on_failure(trial)
        else:
            self._on_success(trial)

    # -- admission (lesson 4) ------------------------------------------------------------

    def _before_call(self) -> bool:
        """Admit the call, or raise ``CircuitOpenError``; True when it is a trial call."""
        self._half_open_if_due()
        if self._state is State.CLOSED:
            return False
        if self._state is State.HALF_OPEN and not self._trial_running:
            self._trial_running = True
            return True
        raise CircuitOpenError(self.name, self._retry_after())

    def _half_open_if_due(self) -> None:
        if self._state is State.OPEN and self._clock() - self._opened_at >= self.recovery_timeout:
            self._transition_to(State.HALF_OPEN)

    def _retry_after(self) -> float:
        if self._state is State.OPEN:
            return max(0.0, self._opened_at + self.recovery_timeout - self._clock())
        return 0.0

    # -- outcomes (lesson 4) -------------------------------------------------------------

    def _on_success(self, trial: bool) -> None:
        if trial:
            self._trial_running = False
            self._trial_successes += 1
            if self._trial_successes >= self.success_threshold:
                self._transition_to(State.CLOSED)
        elif self._state is State.CLOSED:
            self._failure_count = 0

    def _on_failure(self, trial: bool) -> None:
        if trial:
            self._transition_to(State.OPEN)
        elif self._state is State.CLOSED:
            self._failure_count += 1
            if self._failure_count >= self.failure_threshold:
                self._transition_to(State.OPEN)

    def _on_abandoned(self, trial: bool) -> None:
        if trial:
            self._trial_running = False

    # -- transitions (lesson 4) ----------------------------------------------------------

    def _transition_to(self, new_state: State) -> None:
        self._state = new_state
        self._trial_running = False
        if new_state is State.OPEN:
            self._opened_at = self._clock()
        elif new_state is State.HALF_OPEN:
            self._trial_successes = 0
        else:
            self._failure_count = 0
            self._trial_successes = 0


# -- settings ----------------------------------------------------------------------------


def _require(valid: bool, setting: str, value: object, rule: str) -> None:
    """Raise ValueError naming the setting, its value and the rule it breaks."""
    if not valid:
        raise ValueError(f"{setting} must be {rule}, got {value!r}")


def _exception_types(exclude: Iterable[type[BaseException]]) -> tuple[type[BaseException], ...]:
    """``exclude`` as a tuple for ``isinstance``; anything but exception classes is a TypeError."""
    kinds = tuple(exclude)
    for kind in kinds:
        if not (isinstance(kind, type) and issubclass(kind, BaseException)):
            raise TypeError(f"exclude must hold exception classes, got {kind!r}")
    return kinds


def _callable(setting: str, value: Callable[..., bool]) -> Callable[..., bool]:
    if not callable(value):
        raise TypeError(f"{setting} must be callable, got {value!r}")
    return value
