"""Leaves throw_new_error_on_trip at pybreaker's default: the tripping call raises CircuitBreakerError."""

import pybreaker
from harness.derive import inherit

CAUGHT_BY = ["test_tripping_call_raises_its_own_error", "test_opens_after_threshold_consecutive_failures",
             "test_trial_failure_reopens_and_restarts_the_timeout",
             "test_keyboard_interrupt_counts_as_a_failure"]
reference = inherit(globals(), __file__)


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
        # throw_new_error_on_trip left at its default, True
    )
