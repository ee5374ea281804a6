"""reset_timeout in milliseconds, as opossum's resetTimeout: pybreaker's is in seconds."""

import pybreaker
from harness.derive import inherit

CAUGHT_BY = ["test_recovery_timeout_admits_a_trial_call", "test_default_settings"]
reference = inherit(globals(), __file__)


def make_breaker(name, *, failure_threshold=5, recovery_timeout=30.0, success_threshold=2,
                 listeners=()):
    _check_breaker_settings(failure_threshold, success_threshold, recovery_timeout)
    return pybreaker.CircuitBreaker(
        fail_max=failure_threshold,
        reset_timeout=recovery_timeout * 1000,
        success_threshold=success_threshold,
        exclude=[_is_an_answer],
        listeners=[_Shielded(listener) for listener in listeners],
        name=name,
        throw_new_error_on_trip=False,
    )
