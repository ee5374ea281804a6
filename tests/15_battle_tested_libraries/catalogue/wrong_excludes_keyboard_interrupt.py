"""Excludes whatever is not a service failure, Ctrl-C included: pybreaker then counts it as a success."""

import pybreaker
from harness.derive import inherit

CAUGHT_BY = ["test_keyboard_interrupt_counts_as_a_failure"]
reference = inherit(globals(), __file__)


def make_breaker(name, *, failure_threshold=5, recovery_timeout=30.0, success_threshold=2,
                 listeners=()):
    _check_breaker_settings(failure_threshold, success_threshold, recovery_timeout)
    return pybreaker.CircuitBreaker(
        fail_max=failure_threshold,
        reset_timeout=recovery_timeout,
        success_threshold=success_threshold,
        exclude=[lambda error: not is_service_failure(error)],
        listeners=[_Shielded(listener) for listener in listeners],
        name=name,
        throw_new_error_on_trip=False,
    )
