"""Correct, built differently: subclasses of pybreaker.CircuitBreaker and tenacity.Retrying, jitter from wait_random with a per-attempt ceiling, a state-keeping timer."""

from __future__ import annotations

import logging
import time
from typing import Any, Callable, Iterable

import pybreaker
import requests
import tenacity

from harness.derive import rewrite

ACCEPTED = True

# -- given by the starter, run from the starter itself ---------------------------------------
# Its verdicts of lessons 2 and 5 are used as they are; its stubs make_breaker, OpenTimer and
# make_retrying are replaced below (the suggested helpers stay unused stubs).
rewrite(globals(), __file__, source="starter")


# -- the learner's part -------------------------------------------------------------------------

log = logging.getLogger(__name__)


def _positive(value: float, setting: str, *, zero_ok: bool) -> None:
    if value < 0 or (value == 0 and not zero_ok):
        raise ValueError(f"{setting}={value!r} is out of range")


class _QuietListener(pybreaker.CircuitBreakerListener):
    """Delegates each hook; a hook that raises is logged, never re-raised."""

    def __init__(self, inner: pybreaker.CircuitBreakerListener) -> None:
        self.inner = inner

    def _call(self, hook: Callable[..., None], *args: Any) -> None:
        try:
            hook(*args)
        except Exception:
            log.warning("listener %r raised", self.inner, exc_info=True)

    def before_call(self, cb: Any, func: Any, *args: Any, **kwargs: Any) -> None:
        self._call(lambda: self.inner.before_call(cb, func, *args, **kwargs))

    def failure(self, cb: Any, exc: BaseException) -> None:
        self._call(self.inner.failure, cb, exc)

    def success(self, cb: Any) -> None:
        self._call(self.inner.success, cb)

    def state_change(self, cb: Any, old_state: Any, new_state: Any) -> None:
        self._call(self.inner.state_change, cb, old_state, new_state)


class KataBreaker(pybreaker.CircuitBreaker):
    """pybreaker, spoken to in the kata's words."""

    def __init__(self, name: str, failure_threshold: int, recovery_timeout: float,
                 success_threshold: int, listeners: Iterable[Any]) -> None:
        _positive(failure_threshold, "failure_threshold", zero_ok=False)
        _positive(success_threshold, "success_threshold", zero_ok=False)
        _positive(recovery_timeout, "recovery_timeout", zero_ok=True)
        super().__init__(fail_max=failure_threshold, reset_timeout=recovery_timeout,
                         success_threshold=success_threshold, name=name,
                         exclude=[self.not_a_failure],
                         listeners=[_QuietListener(each) for each in listeners],
                         throw_new_error_on_trip=False)

    @staticmethod
    def not_a_failure(error: BaseException) -> bool:
        return isinstance(error, Exception) and not is_service_failure(error)


def make_breaker(name: str, *, failure_threshold: int = 5, recovery_timeout: float = 30.0,
                 success_threshold: int = 2,
                 listeners: Iterable[Any] = ()) -> pybreaker.CircuitBreaker:
    return KataBreaker(name, failure_threshold, recovery_timeout, success_threshold,
                       tuple(listeners))


class OpenTimer(pybreaker.CircuitBreakerListener):
    """Keeps the last state and when it began; the countdown is derived on demand."""

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self._clock = clock
        self._state = pybreaker.STATE_CLOSED
        self._since = 0.0
        self._timeout = 0.0

    def state_change(self, cb: Any, old_state: Any, new_state: Any) -> None:
        self._state, self._since, self._timeout = new_state.name, self._clock(), cb.reset_timeout

    def retry_after(self) -> float:
        if self._state != pybreaker.STATE_OPEN:
            return 0.0
        return max(0.0, self._since + self._timeout - self._clock())


class KataRetrying(tenacity.Retrying):
    """tenacity.Retrying, configured in the kata's words; per-attempt ceilings with wait_random."""

    def __init__(self, attempts: int, base_delay: float, max_delay: float,
                 sleep: Callable[[float], None], wall_clock: Callable[[], float]) -> None:
        self.base_delay, self.max_delay, self.wall_clock = base_delay, max_delay, wall_clock
        super().__init__(retry=self._worth_retrying, wait=self._wait_for,
                         stop=tenacity.stop_any(tenacity.stop_after_attempt(attempts),
                                                self._server_wants_too_long),
                         sleep=sleep, reraise=True, retry_error_callback=self._hand_back)

    @staticmethod
    def _last(state: tenacity.RetryCallState) -> Any:
        assert state.outcome is not None
        return state.outcome.exception() if state.outcome.failed else state.outcome.result()

    def _worth_retrying(self, state: tenacity.RetryCallState) -> bool:
        return is_transient(self._last(state))

    def _wait_for(self, state: tenacity.RetryCallState) -> float:
        asked = retry_after_seconds(self._last(state), self.wall_clock)
        if asked is not None:
            return asked
        ceiling = min(self.max_delay, self.base_delay * 2 ** (state.attempt_number - 1))
        return tenacity.wait_random(0, ceiling)(state)

    def _server_wants_too_long(self, state: tenacity.RetryCallState) -> bool:
        return state.upcoming_sleep > self.max_delay

    def _hand_back(self, state: tenacity.RetryCallState) -> Any:
        if state.outcome is not None and state.outcome.failed:
            raise state.outcome.exception()  # type: ignore[misc]
        return self._last(state)


def make_retrying(*, attempts: int = 3, base_delay: float = 0.1, max_delay: float = 10.0,
                  sleep: Callable[[float], None] = time.sleep,
                  wall_clock: Callable[[], float] = time.time) -> tenacity.Retrying:
    if attempts < 1:
        raise ValueError(f"attempts={attempts!r}: at least one call is needed")
    _positive(base_delay, "base_delay", zero_ok=True)
    _positive(max_delay, "max_delay", zero_ok=True)
    return KataRetrying(attempts, base_delay, max_delay, sleep, wall_clock)
