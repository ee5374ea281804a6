"""Correct, built differently: a breaker configured through pybreaker's setters and add_* methods, excluding all but Ctrl-C; a Retrying subclass that unwraps RetryError itself (reraise=True), its stop judged on the outcome."""

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


class _Isolating(pybreaker.CircuitBreakerListener):
    def __init__(self, wrapped):
        self.wrapped = wrapped

    def __getattribute__(self, attr):
        if attr in ("before_call", "success", "failure", "state_change"):
            target = getattr(object.__getattribute__(self, "wrapped"), attr)

            def isolated(*a, **k):
                try:
                    target(*a, **k)
                except Exception:
                    logging.getLogger("listeners").exception("ignored")
            return isolated
        return object.__getattribute__(self, attr)


def make_breaker(name, *, failure_threshold=5, recovery_timeout=30.0, success_threshold=2,
                 listeners=()):
    if failure_threshold < 1:
        raise ValueError("failure_threshold")
    if success_threshold < 1:
        raise ValueError("success_threshold")
    if recovery_timeout < 0:
        raise ValueError("recovery_timeout")
    breaker = pybreaker.CircuitBreaker(throw_new_error_on_trip=False)
    breaker.name = name
    breaker.fail_max = failure_threshold
    breaker.reset_timeout = recovery_timeout
    breaker.success_threshold = success_threshold
    breaker.add_excluded_exception(
        lambda e: not isinstance(e, KeyboardInterrupt) and not is_service_failure(e))
    for listener in listeners:
        breaker.add_listener(_Isolating(listener))
    return breaker


class OpenTimer(pybreaker.CircuitBreakerListener):
    def __init__(self, clock=time.time):
        self.clock = clock
        self.until = float("-inf")

    def state_change(self, cb, old_state, new_state):
        self.until = (self.clock() + cb.reset_timeout
                      if new_state.name == pybreaker.STATE_OPEN else float("-inf"))

    def retry_after(self):
        left = self.until - self.clock()
        return left if left > 0 else 0.0


def _value(outcome):
    return outcome.exception() if outcome.failed else outcome.result()


class LastOutcomeRetrying(tenacity.Retrying):
    def __call__(self, fn, *args, **kwargs):
        try:
            return super().__call__(fn, *args, **kwargs)
        except tenacity.RetryError as error:
            return error.last_attempt.result()


def make_retrying(*, attempts=3, base_delay=0.1, max_delay=10.0, sleep=time.sleep,
                  wall_clock=time.time):
    for label, value, low in (("attempts", attempts, 1), ("base_delay", base_delay, 0),
                              ("max_delay", max_delay, 0)):
        if value < low:
            raise ValueError(f"{label}={value!r} is below {low}")
    full_jitter = tenacity.wait_random_exponential(multiplier=base_delay, max=max_delay,
                                                   exp_base=2, min=0)

    def wait(rs):
        asked = retry_after_seconds(_value(rs.outcome), wall_clock)
        return full_jitter(rs) if asked is None else asked

    def asked_too_long(rs):
        asked = retry_after_seconds(_value(rs.outcome), wall_clock)
        return asked is not None and asked > max_delay

    return LastOutcomeRetrying(
        retry=tenacity.retry_if_exception(is_transient) | tenacity.retry_if_result(is_transient),
        stop=tenacity.stop_any(tenacity.stop_after_attempt(attempts), asked_too_long),
        wait=wait, reraise=True, sleep=sleep)
