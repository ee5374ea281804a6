"""reset_timeout=int(recovery_timeout): 2.5 s becomes 2 s."""

import pybreaker
from harness.derive import inherit

CAUGHT_BY = ["test_recovery_timeout_admits_a_trial_call"]
reference = inherit(globals(), __file__)


def make_breaker(name, *, failure_threshold=5, recovery_timeout=30.0, success_threshold=2,
                 listeners=()):
    _check_breaker_settings(failure_threshold, success_threshold, recovery_timeout)
    return pybreaker.CircuitBreaker(
        fail_max=failure_threshold,
        reset_timeout=int(recovery_timeout),
        success_threshold=success_threshold,
        exclude=[_is_an_answer],
        listeners=[_Shielded(listener) for listener in listeners],
        name=name,
        throw_new_error_on_trip=False,
    )
