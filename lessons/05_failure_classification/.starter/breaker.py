"""Lesson 5: what counts as a failure.

Lesson 4's breaker is given below, working (you may paste your own over it). Teach it which
outcomes are the service's fault:

1. ``is_failure_by_default`` and ``is_failure_result_by_default``: the HTTP rules;
2. the new settings in ``CircuitBreaker.__init__``: ``exclude``, ``is_failure``,
   ``is_failure_result``, checked at construction;
3. ``_counts_as_failure`` and ``call``: judge every outcome, and still hand the caller exactly
   what the function raised or returned;
4. ``__call__``: the decorator form, ``@breaker``.

The rules are in this lesson's README.md; `make check LESSON=5` grades your work.
"""

from __future__ import annotations

import enum
import functools  # noqa: F401 - you will want functools.wraps
import time
from typing import Any, Callable, Iterable, TypeVar

import requests  # noqa: F401 - the default rules look at requests' exceptions and responses

T = TypeVar("T")


class State(enum.Enum):
    """The three states of a circuit breaker (given)."""

    CLOSED = "closed"  #: calls pass through; failures in a row are counted
    OPEN = "open"  #: calls are rejected without reaching the service
    HALF_OPEN = "half_open"  #: trial calls, one at a time, decide between CLOSED and OPEN


class CircuitOpenError(Exception):
    """Raised instead of calling the service, while the breaker rejects calls (given)."""

    def __init__(self, name: str, retry_after: float) -> None:
        super().__init__(f"circuit breaker {name!r} is open; "
                         f"a trial call is allowed in {retry_after:.1f}s")
        self.name = name
        self.retry_after = retry_after


# -- what counts as a failure ------------------------------------------------------------


def is_failure_by_default(error: BaseException) -> bool:
    """Whether a raised exception says the service is unwell (the default ``is_failure``).

    True for ``requests.ConnectionError`` (refused, reset...), ``requests.Timeout`` (connect
    and read timeouts) and a ``requests.HTTPError`` whose response has a 5xx status. False for
    everything else: a 4xx ``HTTPError`` (``error.response.status_code``), a ``KeyError``, a
    business exception of the caller...
    """
    # TODO
    raise NotImplementedError("is_failure_by_default")


def is_failure_result_by_default(result: object) -> bool:
    """Whether a returned value is a failure (the default ``is_failure_result``).

    True for a ``requests.Response`` with a 5xx status; False for any other value.
    """
    # TODO
    raise NotImplementedError("is_failure_result_by_default")


# -- the breaker -------------------------------------------------------------------------


class CircuitBreaker:
    """Lesson 4's count-based breaker, plus failure classification and a decorator form."""

    def __init__(self, failure_threshold: int = 5, recovery_timeout: float = 30.0,
                 success_threshold: int = 2, *,
                 exclude: Iterable[type[BaseException]] = (),
                 is_failure: Callable[[BaseException], bool] = is_failure_by_default,
                 is_failure_result: Callable[[object], bool] = is_failure_result_by_default,
                 name: str = "breaker",
                 clock: Callable[[], float] = time.monotonic) -> None:
        """Check every setting now; a bad one raises here, not at the first outage."""
        _require(failure_threshold >= 1, "failure_threshold", failure_threshold, "at least 1")
        _require(success_threshold >= 1, "success_threshold", success_threshold, "at least 1")
        _require(recovery_timeout >= 0, "recovery_timeout", recovery_timeout, "0 or more")
        self.failure_threshold = failure_threshold
        self.recovery_timeout = float(recovery_timeout)
        self.success_threshold = success_threshold
        self.name = name
        self._clock = clock
        self._state = State.CLOSED
        self._failure_count = 0  # CLOSED: failures in a row
        self._trial_successes = 0  # HALF_OPEN: trial successes since the breaker half-opened
        self._trial_running = False  # HALF_OPEN: a trial call has been admitted and not ended
        self._opened_at = 0.0  # clock time of the last transition into OPEN
        # TODO: check and keep the three new settings.
        # - `exclude`: exception classes (keep them as a tuple, ready for isinstance); anything
        #   else in it (404, "HTTPError") raises TypeError or ValueError.
        # - `is_failure`, `is_failure_result`: must be callable, or TypeError / ValueError.
        raise NotImplementedError("CircuitBreaker.__init__: exclude, is_failure, "
                                  "is_failure_result")

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

        Lesson 4 counted every ``Exception`` as a failure. Now:

        - an ``Exception``: a failure if ``_counts_as_failure(error)``, otherwise a success;
          either way it is raised to the caller unchanged (the same object, not a new one);
        - a returned value: a failure if ``is_failure_result(value)``, otherwise a success;
          either way the caller receives the value;
        - a ``BaseException`` that is not an ``Exception``: no verdict (``_on_abandoned``),
          raised unchanged;
        - a predicate (``is_failure``, ``is_failure_result``) that itself raises: the call
          counts as a failure, and the predicate's exception propagates to the caller.

        Admission (``_before_call``) and the bookkeeping (``_on_success``, ``_on_failure``)
        are lesson 4's, given below.
        """
        # TODO
        raise NotImplementedError("CircuitBreaker.call")

    def __call__(self, func: Callable[..., T]) -> Callable[..., T]:
        """The decorator form: ``@breaker`` makes every call of ``func`` go through ``call``.

        Return a wrapper that keeps ``func``'s name and docstring (``functools.wraps``) and
        passes its arguments on. One code path: the wrapper calls ``self.call``.
        """
        # TODO
        raise NotImplementedError("CircuitBreaker.__call__")

    def _counts_as_failure(self, error: Exception) -> bool:
        """Whether a raised exception is a failure.

        ``exclude`` first (an instance of an excluded class or of a subclass is never a
        failure), then the ``is_failure`` predicate.
        """
        # TODO
        raise NotImplementedError("CircuitBreaker._counts_as_failure")

    # -- admission (lesson 4, given) -----------------------------------------------------

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

    # -- outcomes (lesson 4, given) ------------------------------------------------------

    def _on_success(self, trial: bool) -> None:
        """A call ended well (or with a non-failure): breaks a run, or counts towards closing."""
        if trial:
            self._trial_running = False
            self._trial_successes += 1
            if self._trial_successes >= self.success_threshold:
                self._transition_to(State.CLOSED)
        elif self._state is State.CLOSED:
            self._failure_count = 0

    def _on_failure(self, trial: bool) -> None:
        """A call failed: counted while CLOSED; a failed trial re-opens at once."""
        if trial:
            self._transition_to(State.OPEN)
        elif self._state is State.CLOSED:
            self._failure_count += 1
            if self._failure_count >= self.failure_threshold:
                self._transition_to(State.OPEN)

    def _on_abandoned(self, trial: bool) -> None:
        """A call ended without a verdict (KeyboardInterrupt...): free the trial's place."""
        if trial:
            self._trial_running = False

    # -- transitions (lesson 4, given) ---------------------------------------------------

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


def _require(valid: bool, setting: str, value: object, rule: str) -> None:
    """Raise ValueError naming the setting, its value and the rule it breaks."""
    if not valid:
        raise ValueError(f"{setting} must be {rule}, got {value!r}")
