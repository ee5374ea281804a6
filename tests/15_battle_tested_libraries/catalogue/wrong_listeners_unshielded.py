"""Hands the listeners to pybreaker bare: one that raises keeps the breaker closed for ever."""

import pybreaker
from harness.derive import inherit

CAUGHT_BY = ["test_a_raising_listener_changes_nothing"]
reference = inherit(globals(), __file__)


def make_breaker(name, *, failure_threshold=5, recovery_timeout=30.0, success_threshold=2,
                 listeners=()):
    _check_breaker_settings(failure_threshold, success_threshold, recovery_timeout)
    return pybreaker.CircuitBreaker(
        fail_max=failure_threshold,
        reset_timeout=recovery_timeout,
        success_threshold=success_threshold,
        exclude=[_is_an_answer],
        listeners=list(listeners),
        name=name,
        throw_new_error_on_trip=False,
    )
