"""Lets failure_threshold=0 and success_threshold=0 through (checks only for negative values)."""

import pybreaker
from harness.derive import inherit

CAUGHT_BY = ["test_make_breaker_rejects_invalid_settings"]
reference = inherit(globals(), __file__)


def _check_breaker_settings(failure_threshold, success_threshold, recovery_timeout):
    for setting, value in (("failure_threshold", failure_threshold),
                           ("success_threshold", success_threshold),
                           ("recovery_timeout", recovery_timeout)):
        if value < 0:
            raise ValueError(f"{setting} must not be negative, got {value!r}")


def make_breaker(name, *, failure_threshold=5, recovery_timeout=30.0, success_threshold=2,
                 listeners=()):
    _check_breaker_settings(failure_threshold, success_threshold, recovery_timeout)
    return pybreaker.CircuitBreaker(
        fail_max=failure_threshold,
        reset_timeout=recovery_timeout,
        success_threshold=success_threshold,
        exclude=[_is_an_answer],
        listeners=[_Shielded(listener) for listener in listeners],
        name=name,
        throw_new_error_on_trip=False,
    )
