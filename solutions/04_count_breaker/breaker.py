"""Lesson 4 reference: a count-based circuit breaker.

A circuit breaker stands between your code and a service that can fail. While the service
answers, calls pass through (CLOSED). After ``failure_threshold`` failures in a row it
*opens*: for ``recovery_timeout`` seconds every call is rejected at once with
``CircuitOpenError``, so a struggling service gets no extra load and callers get an answer
in microseconds instead of a timeout. Then the breaker lets one trial call through at a time
(HALF_OPEN): ``success_threshold`` trial successes close it, one trial failure opens it again
for another full ``recovery_timeout``::

    CLOSED ──failure_threshold failures in a row──▶ OPEN
    OPEN ──recovery_timeout has passed; the next call is the trial──▶ HALF_OPEN
    HALF_OPEN ──a trial fails──▶ OPEN (the timeout starts again)
    HALF_OPEN ──success_threshold trials succeed──▶ CLOSED (the counters start from zero)

The design in one sentence: ``call`` asks for admission (``_before_call``), runs the function,
and reports the outcome (``_on_success`` / ``_on_failure``); every change of state goes
through ``_transition_to``, which is the only place that stamps times and resets counters.
The conventions every breaker lesson shares (lessons/CONVENTIONS.md) are marked where the code
implements them.
"""

from __future__ import annotations

import enum
import time
from typing import Any, Callable, TypeVar

T = TypeVar("T")


class State(enum.Enum):
    """The three states of a circuit breaker."""

    CLOSED = "closed"  #: calls pass through; failures in a row are counted
    OPEN = "open"  #: calls are rejected without reaching the service
    HALF_OPEN = "half_open"  #: trial calls, one at a time, decide between CLOSED and OPEN


class CircuitOpenError(Exception):
    """Raised instead of calling the service, while the breaker rejects calls.

    ``name`` says which breaker (which dependency) rejected the call; ``retry_after`` how many
    seconds remain until a trial call will be admitted (0 when a trial call is running and
    the next one may be admitted as soon as it ends).
    """

    def __init__(self, name: str, retry_after: float) -> None:
        super().__init__(f"circuit breaker {name!r} is open; "
                         f"a trial call is allowed in {retry_after:.1f}s")
        self.name = name
        self.retry_after = retry_after


class CircuitBreaker:
    """A count-based circuit breaker: opens after ``failure_threshold`` failures in a row.

    One breaker per dependency, shared by every caller of that dependency::

        users_breaker = CircuitBreaker(failure_threshold=3, recovery_timeout=30.0, name="users")
        user = users_breaker.call(fetch_user, 42)   # fetch_user(42), through the breaker

    Any ``Exception`` raised by the protected function is a failure (lesson 5 refines this);
    a ``BaseException`` that is not an ``Exception`` (KeyboardInterrupt, SystemExit) is not the
    service's fault: it passes through and is neither a failure nor a success.

    Time comes only from ``clock``, a monotonic clock (``time.monotonic`` unless a test injects
    a fake one): the wall clock (``time.time()``) jumps when NTP or an operator sets it, and an
    open period measured with it could end an hour early or last an hour longer.
    """

    def __init__(self, failure_threshold: int = 5, recovery_timeout: float = 30.0,
                 success_threshold: int = 2, *, name: str = "breaker",
                 clock: Callable[[], float] = time.monotonic) -> None:
        # Check every setting here, at construction: a bad value found at the first outage
        # is found far too late. And never `x or default`: 0 is a value, not "unset".
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

    # -- what callers see ----------------------------------------------------------------

    @property
    def state(self) -> State:
        """The current state.

        Once ``recovery_timeout`` has passed, the breaker is ready for a trial call and this
        says HALF_OPEN, whether or not a call has arrived yet (the kata's conventions allow
        either answer before that call; what matters is that the next call is admitted).
        """
        self._half_open_if_due()
        return self._state

    @property
    def failure_count(self) -> int:
        """Failures in a row counted while CLOSED (0 again after any success or on closing)."""
        return self._failure_count

    def call(self, func: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run ``func(*args, **kwargs)`` through the breaker.

        Returns what ``func`` returns and raises what ``func`` raises, unchanged: the caller
        still sees the service's own error, including on the call that trips the breaker.
        When the breaker rejects the call, raises ``CircuitOpenError`` and ``func`` is not
        called at all.
        """
        trial = self._before_call()
        try:
            result = func(*args, **kwargs)
        except Exception:
            self._on_failure(trial)
            raise
        except BaseException:
            # Ctrl-C or SystemExit says nothing about the service: no verdict, but a trial
            # that ends this way must free its place, or the breaker would wait for it forever.
            self._on_abandoned(trial)
            raise
        self._on_success(trial)
        return result

    # -- admission -----------------------------------------------------------------------

    def _before_call(self) -> bool:
        """Admit the call, or raise ``CircuitOpenError``.

        Returns True when the admitted call is a half-open trial. A rejected call leaves no
        trace: it is not a failure and it does not move the open period (lessons/CONVENTIONS.md).
        """
        self._half_open_if_due()
        if self._state is State.CLOSED:
            return False
        if self._state is State.HALF_OPEN and not self._trial_running:
            self._trial_running = True
            return True
        raise CircuitOpenError(self.name, self._retry_after())

    def _half_open_if_due(self) -> None:
        """Switch OPEN to HALF_OPEN once ``recovery_timeout`` has passed since opening.

        Lazy: nothing runs in the background; the switch happens when someone calls (or reads
        ``state``). The timeout is inclusive: at exactly ``recovery_timeout`` a trial is due.
        """
        if self._state is State.OPEN and self._clock() - self._opened_at >= self.recovery_timeout:
            self._transition_to(State.HALF_OPEN)

    def _retry_after(self) -> float:
        """Seconds until a trial call will be admitted (for ``CircuitOpenError``)."""
        if self._state is State.OPEN:
            return max(0.0, self._opened_at + self.recovery_timeout - self._clock())
        return 0.0  # HALF_OPEN with a trial running: the next trial may follow it at once

    # -- outcomes ------------------------------------------------------------------------

    def _on_success(self, trial: bool) -> None:
        """A call ended well: it breaks a run of failures, or counts towards closing."""
        if trial:
            self._trial_running = False
            self._trial_successes += 1
            if self._trial_successes >= self.success_threshold:
                self._transition_to(State.CLOSED)
        elif self._state is State.CLOSED:
            self._failure_count = 0
        # Otherwise the call was admitted before the breaker opened and ended after: its
        # result is old news about the service and changes nothing.

    def _on_failure(self, trial: bool) -> None:
        """A call failed: count it while CLOSED; a failed trial re-opens at once."""
        if trial:
            self._transition_to(State.OPEN)
        elif self._state is State.CLOSED:
            self._failure_count += 1
            if self._failure_count >= self.failure_threshold:  # inclusive (lessons/CONVENTIONS.md)
                self._transition_to(State.OPEN)
        # A failure admitted before the breaker opened, ending after, changes nothing either:
        # only the transition into OPEN stamps the open time (lessons/CONVENTIONS.md).

    def _on_abandoned(self, trial: bool) -> None:
        """A call ended without a verdict (KeyboardInterrupt...): free the trial's place."""
        if trial:
            self._trial_running = False

    # -- transitions ---------------------------------------------------------------------

    def _transition_to(self, new_state: State) -> None:
        """Enter ``new_state``; the one place that stamps times and resets counters."""
        self._state = new_state
        self._trial_running = False
        if new_state is State.OPEN:
            self._opened_at = self._clock()  # re-opening restarts the full timeout
        elif new_state is State.HALF_OPEN:
            self._trial_successes = 0  # every half-open period starts from zero
        else:
            self._failure_count = 0  # closing forgets the past: a fresh start
            self._trial_successes = 0


def _require(valid: bool, setting: str, value: object, rule: str) -> None:
    """Raise ValueError naming the setting, its value and the rule it breaks."""
    if not valid:
        raise ValueError(f"{setting} must be {rule}, got {value!r}")
