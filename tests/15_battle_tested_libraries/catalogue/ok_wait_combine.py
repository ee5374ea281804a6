"""Correct, built differently: a validating CircuitBreaker subclass, exclusion by two predicates, waits summed with wait_combine, one stop class for both budgets, a lambda default clock."""

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


class _Guard(pybreaker.CircuitBreakerListener):
    def __init__(self, listener):
        self.listener = listener

    def before_call(self, cb, func, *args, **kwargs):
        try:
            self.listener.before_call(cb, func, *args, **kwargs)
        except Exception as e:
            logging.error("listener before_call: %s", e)

    def success(self, cb):
        try:
            self.listener.success(cb)
        except Exception as e:
            logging.error("listener success: %s", e)

    def failure(self, cb, exc):
        try:
            self.listener.failure(cb, exc)
        except Exception as e:
            logging.error("listener failure: %s", e)

    def state_change(self, cb, old_state, new_state):
        try:
            self.listener.state_change(cb, old_state, new_state)
        except Exception as e:
            logging.error("listener state_change: %s", e)


def _an_answer(exc):
    return (isinstance(exc, requests.HTTPError) and exc.response is not None
            and exc.response.status_code < 500)


def _not_the_service(exc):
    return isinstance(exc, Exception) and not isinstance(
        exc, (requests.ConnectionError, requests.Timeout, requests.HTTPError))


class CheckedBreaker(pybreaker.CircuitBreaker):
    def __init__(self, name, failure_threshold, recovery_timeout, success_threshold, listeners):
        for label, value in (("failure_threshold", failure_threshold),
                             ("success_threshold", success_threshold)):
            if value < 1:
                raise ValueError(f"{label} must be >= 1, got {value}")
        if recovery_timeout < 0:
            raise ValueError(f"recovery_timeout must be >= 0, got {recovery_timeout}")
        super().__init__(fail_max=failure_threshold, reset_timeout=recovery_timeout,
                         success_threshold=success_threshold,
                         exclude=(_an_answer, _not_the_service),
                         listeners=[_Guard(l) for l in listeners], name=name,
                         throw_new_error_on_trip=False)

    def add_listener(self, listener):
        super().add_listener(_Guard(listener))


def make_breaker(name, *, failure_threshold=5, recovery_timeout=30.0, success_threshold=2,
                 listeners=()):
    return CheckedBreaker(name, failure_threshold, recovery_timeout, success_threshold,
                          tuple(listeners))


class OpenTimer(pybreaker.CircuitBreakerListener):
    def __init__(self, clock=lambda: time.time()):
        self._clock = clock
        self._state = pybreaker.STATE_CLOSED
        self._opened_at = 0.0
        self._timeout = 0.0

    def state_change(self, cb, old_state, new_state):
        self._state = new_state.name
        if self._state == pybreaker.STATE_OPEN:
            self._opened_at = self._clock()
            self._timeout = cb.reset_timeout

    def retry_after(self):
        if self._state != pybreaker.STATE_OPEN:
            return 0.0
        return max(0.0, self._timeout - (self._clock() - self._opened_at))


def _value(outcome):
    return outcome.exception() if outcome.failed else outcome.result()


class _AskedFor(tenacity.wait.wait_base):
    def __init__(self, wall_clock):
        self.wall_clock = wall_clock

    def __call__(self, rs):
        asked = retry_after_seconds(_value(rs.outcome), self.wall_clock)
        return 0.0 if asked is None else asked


class _JitterUnlessAsked(tenacity.wait.wait_base):
    def __init__(self, jitter, wall_clock):
        self.jitter, self.wall_clock = jitter, wall_clock

    def __call__(self, rs):
        if retry_after_seconds(_value(rs.outcome), self.wall_clock) is not None:
            return 0.0
        return self.jitter(rs)


class _Budget(tenacity.stop.stop_base):
    def __init__(self, attempts, max_delay):
        self.attempts, self.max_delay = attempts, max_delay

    def __call__(self, rs):
        return rs.attempt_number >= self.attempts or rs.upcoming_sleep > self.max_delay


def make_retrying(*, attempts=3, base_delay=0.1, max_delay=10.0, sleep=time.sleep,
                  wall_clock=time.time):
    if attempts < 1 or base_delay < 0 or max_delay < 0:
        raise ValueError("attempts >= 1 and delays >= 0, please")
    jitter = tenacity.wait_random_exponential(multiplier=base_delay, max=max_delay)
    return tenacity.Retrying(
        retry=tenacity.retry_any(tenacity.retry_if_exception(is_transient),
                                 tenacity.retry_if_result(is_transient)),
        wait=tenacity.wait_combine(_AskedFor(wall_clock), _JitterUnlessAsked(jitter, wall_clock)),
        stop=_Budget(attempts, max_delay),
        retry_error_callback=lambda rs: rs.outcome.result(),
        sleep=sleep)
