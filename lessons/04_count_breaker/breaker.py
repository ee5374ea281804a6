"""Lesson 4: a count-based circuit breaker.

Write `CircuitBreaker`: CLOSED / OPEN / HALF_OPEN, opened by `failure_threshold` failures in a
row, closed again by `success_threshold` trial successes. `State` and `CircuitOpenError` are
given. The rules are in this lesson's README.md; `make check LESSON=4` grades your work.

A suggested shape (you may organise it differently; only the public API is graded):
`call` asks `_before_call` for admission, runs the function, and reports the outcome to
`_on_success` or `_on_failure`; every change of state goes through `_transition_to`.
"""

from __future__ import annotations

import enum
import time
from typing import Any, Callable, TypeVar

T = TypeVar("T")


class State(enum.Enum):
    """The three states of a circuit breaker (given)."""

    CLOSED = "closed"  #: calls pass through; failures in a row are counted
    OPEN = "open"  #: calls are rejected without reaching the service
    HALF_OPEN = "half_open"  #: trial calls, one at a time, decide between CLOSED and OPEN


class CircuitOpenError(Exception):
    """Raised instead of calling the service, while the breaker rejects calls (given).

    ``name`` says which breaker rejected the call; ``retry_after`` how many seconds remain
    until a trial call will be admitted (0 or more).
    """

    def __init__(self, name: str, retry_after: float) -> None:
        super().__init__(f"circuit breaker {name!r} is open; "
                         f"a trial call is allowed in {retry_after:.1f}s")
        self.name = name
        self.retry_after = retry_after


class CircuitBreaker:
    """A count-based circuit breaker: opens after ``failure_threshold`` failures in a row.

    Any ``Exception`` raised by the protected function is a failure. A ``BaseException`` that
    is not an ``Exception`` (KeyboardInterrupt, SystemExit) passes through and is neither a
    failure nor a success.

    Time comes only from ``clock`` (``time.monotonic`` unless a test injects a fake clock):
    never call ``time.time()``.
    """

    def __init__(self, failure_threshold: int = 5, recovery_timeout: float = 30.0,
                 success_threshold: int = 2, *, name: str = "breaker",
                 clock: Callable[[], float] = time.monotonic) -> None:
        """Check the settings and start CLOSED.

        - ``failure_threshold`` and ``success_threshold`` below 1, or a negative
          ``recovery_timeout``, raise ``ValueError`` here, at construction.
          (``recovery_timeout=0`` is valid: a trial call is allowed at once.)
        - Keep ``name`` as the public attribute ``breaker.name``.
        - You will need some private state: the current state, the failures in a row, the
          trial successes, whether a trial call is running, and when the breaker opened.
        """
        # TODO: validate the settings, keep them, and set up the starting state.
        raise NotImplementedError("CircuitBreaker.__init__")

    @property
    def state(self) -> State:
        """The current ``State``.

        Once ``recovery_timeout`` has passed since opening, you may report OPEN or HALF_OPEN
        here (the checks accept both); what matters is that the next call is admitted.
        """
        # TODO
        raise NotImplementedError("CircuitBreaker.state")

    @property
    def failure_count(self) -> int:
        """Failures in a row counted while CLOSED (0 after any success, and after closing)."""
        # TODO
        raise NotImplementedError("CircuitBreaker.failure_count")

    def call(self, func: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run ``func(*args, **kwargs)`` through the breaker.

        1. Ask for admission: a rejected call raises ``CircuitOpenError`` and ``func`` is not
           called at all.
        2. Call ``func``. Return its result, or raise its exception unchanged (the call that
           trips the breaker raises its own error too).
        3. Report the outcome: an ``Exception`` is a failure, a return is a success. A
           ``BaseException`` that is not an ``Exception`` is neither; but if that call was the
           trial, the next caller must be able to become the trial.
        """
        # TODO
        raise NotImplementedError("CircuitBreaker.call")

    def _before_call(self) -> bool:
        """Admit the call or raise ``CircuitOpenError``; return True if it is a trial call.

        - CLOSED: admit.
        - OPEN: once ``recovery_timeout`` has passed since the breaker opened (at or after
          it), switch to HALF_OPEN and continue as there. Before that: reject, with
          ``retry_after`` = the seconds remaining.
        - HALF_OPEN: admit one trial call at a time; while a trial is running, reject.
        A rejection is not a failure and changes nothing, not even the open time.
        """
        # TODO
        raise NotImplementedError("CircuitBreaker._before_call")

    def _on_success(self, trial: bool) -> None:
        """A call ended well.

        - CLOSED: the run of failures is broken; the count goes back to 0.
        - A trial: one more trial success; ``success_threshold`` of them close the breaker.
        """
        # TODO
        raise NotImplementedError("CircuitBreaker._on_success")

    def _on_failure(self, trial: bool) -> None:
        """A call failed.

        - CLOSED: count it; at ``failure_threshold`` in a row (inclusive), open.
        - A trial: open again at once; the full ``recovery_timeout`` starts again.
        """
        # TODO
        raise NotImplementedError("CircuitBreaker._on_failure")

    def _transition_to(self, new_state: State) -> None:
        """Enter ``new_state``: the one place that stamps times and resets counters.

        - OPEN: remember when (from ``clock``), for the recovery timeout and ``retry_after``.
        - HALF_OPEN: trial successes start from 0.
        - CLOSED: every counter starts from 0.
        """
        # TODO
        raise NotImplementedError("CircuitBreaker._transition_to")
