"""Correct, built differently: tenacity's iterator form in a hand-written loop, SimpleNamespace shields, pybreaker's positional arguments, a timer whose clock=None means time.time read at each use."""

from __future__ import annotations

import logging
import time
import types
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


def _shield(listener):
    def guard(method_name):
        def method(*args, **kwargs):
            try:
                getattr(listener, method_name)(*args, **kwargs)
            except Exception as problem:  # noqa: BLE001
                logging.getLogger("breaker.listeners").warning(
                    "%s.%s raised %r", type(listener).__name__, method_name, problem)
        return method
    return types.SimpleNamespace(**{m: guard(m) for m in
                                    ("before_call", "success", "failure", "state_change")})


def _excluded(exc):
    if isinstance(exc, KeyboardInterrupt):
        return False
    if isinstance(exc, requests.HTTPError):
        return exc.response is not None and not 500 <= exc.response.status_code <= 599
    if isinstance(exc, (requests.ConnectionError, requests.Timeout)):
        return False
    return isinstance(exc, Exception)


def make_breaker(name, *, failure_threshold=5, recovery_timeout=30.0, success_threshold=2,
                 listeners=()):
    if not (failure_threshold >= 1 and success_threshold >= 1 and recovery_timeout >= 0):
        raise ValueError("thresholds must be >= 1 and recovery_timeout >= 0")
    return pybreaker.CircuitBreaker(failure_threshold, recovery_timeout, success_threshold,
                                    [_excluded], [_shield(x) for x in listeners], None, name,
                                    False)


class OpenTimer(pybreaker.CircuitBreakerListener):
    """Keeps the breaker it hears from and reads its timeout when asked; ``clock=None``
    means ``time.time``, looked up at each reading."""

    def __init__(self, clock=None):
        self.clock = clock
        self.breaker = None
        self.opened_at = None

    def _now(self):
        return (self.clock or time.time)()

    def state_change(self, cb, old_state, new_state):
        self.breaker = cb
        self.opened_at = self._now() if new_state.name == pybreaker.STATE_OPEN else None

    def retry_after(self):
        if self.opened_at is None:
            return 0.0
        return max(0.0, self.opened_at + self.breaker.reset_timeout - self._now())


def make_retrying(*, attempts=3, base_delay=0.1, max_delay=10.0, sleep=time.sleep,
                  wall_clock=time.time):
    if attempts < 1:
        raise ValueError("attempts < 1")
    if base_delay < 0 or max_delay < 0:
        raise ValueError("negative delay")
    jitter = tenacity.wait_random_exponential(multiplier=base_delay, max=max_delay)

    def outcome_value(rs):
        return rs.outcome.exception() if rs.outcome.failed else rs.outcome.result()

    def wait(rs):
        asked = retry_after_seconds(outcome_value(rs), wall_clock)
        return jitter(rs) if asked is None else asked

    def run(func, *args, **kwargs):
        controller = tenacity.Retrying(
            retry=tenacity.retry_if_exception(is_transient) | tenacity.retry_if_result(is_transient),
            stop=tenacity.stop_after_attempt(attempts) | (lambda rs: rs.upcoming_sleep > max_delay),
            wait=wait, sleep=sleep, retry_error_callback=lambda rs: None)
        for attempt in controller:
            with attempt:
                value = func(*args, **kwargs)
            if not attempt.retry_state.outcome.failed:
                attempt.retry_state.set_result(value)
        return attempt.retry_state.outcome.result()
    return run
