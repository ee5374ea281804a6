"""Maps no setting: pybreaker's own fail_max=5, reset_timeout=60, success_threshold=1 whatever the caller asks."""

import pybreaker
from harness.derive import inherit

CAUGHT_BY = ["test_opens_after_threshold_consecutive_failures", "test_default_settings",
             "test_recovery_timeout_admits_a_trial_call"]
reference = inherit(globals(), __file__)


def make_breaker(name, *, failure_threshold=5, recovery_timeout=30.0, success_threshold=2,
                 listeners=()):
    _check_breaker_settings(failure_threshold, success_threshold, recovery_timeout)
    return pybreaker.CircuitBreaker(
        exclude=[_is_an_answer],
        listeners=[_Shielded(listener) for listener in listeners],
        name=name,
        throw_new_error_on_trip=False,
    )
