"""Correct, built differently: tenacity's @retry decorator form, plain-function hooks, a duck-typed timer and a proxy shield."""

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

_BREAKER_RULES = {
    "failure_threshold": (lambda v: v >= 1, "at least 1"),
    "success_threshold": (lambda v: v >= 1, "at least 1"),
    "recovery_timeout": (lambda v: v >= 0, "0 or more"),
}


def _validate(rules: dict[str, tuple[Callable[[Any], bool], str]], **values: Any) -> None:
    for setting, value in values.items():
        valid, rule = rules[setting]
        if not valid(value):
            raise ValueError(f"{setting} must be {rule}, got {value!r}")


class _Guarded:
    """Forwards every hook to the listener; whatever it raises is logged and dropped."""

    def __init__(self, listener: Any) -> None:
        self._listener = listener

    def __getattr__(self, hook: str) -> Callable[..., None]:
        target = getattr(self._listener, hook)

        def guarded(*args: Any, **kwargs: Any) -> None:
            try:
                target(*args, **kwargs)
            except Exception:
                logging.getLogger(__name__).exception("listener hook %s failed", hook)

        return guarded


def _excluded(error: BaseException) -> bool:
    """Everything that is an Exception and not the service's fault."""
    if not isinstance(error, Exception):
        return False
    if isinstance(error, (requests.ConnectionError, requests.Timeout)):
        return False
    if isinstance(error, requests.HTTPError) and error.response is not None:
        return error.response.status_code < 500
    return True


def make_breaker(name: str, *, failure_threshold: int = 5, recovery_timeout: float = 30.0,
                 success_threshold: int = 2,
                 listeners: Iterable[Any] = ()) -> pybreaker.CircuitBreaker:
    _validate(_BREAKER_RULES, failure_threshold=failure_threshold,
              success_threshold=success_threshold, recovery_timeout=recovery_timeout)
    breaker = pybreaker.CircuitBreaker(fail_max=failure_threshold,
                                       reset_timeout=recovery_timeout,
                                       success_threshold=success_threshold,
                                       name=name, throw_new_error_on_trip=False)
    breaker.add_excluded_exception(_excluded)  # type: ignore[arg-type]
    for listener in listeners:
        breaker.add_listener(_Guarded(listener))  # type: ignore[arg-type]
    return breaker


class OpenTimer:
    """Duck-typed listener: pybreaker only needs the four hooks."""

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self.clock = clock
        self.opened_at: float | None = None
        self.timeout = 0.0

    def before_call(self, cb: Any, func: Any, *args: Any, **kwargs: Any) -> None:
        pass

    def success(self, cb: Any) -> None:
        pass

    def failure(self, cb: Any, exc: BaseException) -> None:
        pass

    def state_change(self, cb: Any, old_state: Any, new_state: Any) -> None:
        if new_state.name == "open":
            self.opened_at, self.timeout = self.clock(), float(cb.reset_timeout)
        else:
            self.opened_at = None

    def retry_after(self) -> float:
        if self.opened_at is None:
            return 0.0
        elapsed = self.clock() - self.opened_at
        return self.timeout - elapsed if elapsed < self.timeout else 0.0


def make_retrying(*, attempts: int = 3, base_delay: float = 0.1, max_delay: float = 10.0,
                  sleep: Callable[[float], None] = time.sleep,
                  wall_clock: Callable[[], float] = time.time) -> Callable[..., Any]:
    if attempts < 1:
        raise ValueError(f"attempts must be at least 1, got {attempts!r}")
    if min(base_delay, max_delay) < 0:
        raise ValueError("base_delay and max_delay must not be negative")
    jitter = tenacity.wait_random_exponential(multiplier=base_delay, max=max_delay)

    def last(state: tenacity.RetryCallState) -> Any:
        future = state.outcome
        assert future is not None
        return future.exception() if future.failed else future.result()

    def should_retry(state: tenacity.RetryCallState) -> bool:
        return is_transient(last(state))

    def wait(state: tenacity.RetryCallState) -> float:
        asked = retry_after_seconds(last(state), wall_clock)
        return jitter(state) if asked is None else asked

    def server_asks_too_much(state: tenacity.RetryCallState) -> bool:
        asked = retry_after_seconds(last(state), wall_clock)
        return asked is not None and asked > max_delay

    def give_back(state: tenacity.RetryCallState) -> Any:
        assert state.outcome is not None
        return state.outcome.result()

    decorate = tenacity.retry(
        retry=should_retry,
        wait=wait,
        stop=tenacity.stop_any(tenacity.stop_after_attempt(attempts), server_asks_too_much),
        sleep=sleep,
        reraise=True,
        retry_error_callback=give_back,
    )

    def retrying(func: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        return decorate(func)(*args, **kwargs)

    return retrying
