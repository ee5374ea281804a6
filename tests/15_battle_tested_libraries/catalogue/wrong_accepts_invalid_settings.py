"""Checks no setting: pybreaker accepts fail_max=0 and a negative reset_timeout."""

import pybreaker
from harness.derive import inherit

CAUGHT_BY = ["test_make_breaker_rejects_invalid_settings"]
reference = inherit(globals(), __file__)


def make_breaker(name, *, failure_threshold=5, recovery_timeout=30.0, success_threshold=2,
                 listeners=()):
    return pybreaker.CircuitBreaker(
        fail_max=failure_threshold,
        reset_timeout=recovery_timeout,
        success_threshold=success_threshold,
        exclude=[_is_an_answer],
        listeners=[_Shielded(listener) for listener in listeners],
        name=name,
        throw_new_error_on_trip=False,
    )
