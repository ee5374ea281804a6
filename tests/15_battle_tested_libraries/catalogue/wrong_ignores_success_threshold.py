"""Does not pass success_threshold: pybreaker's default, 1, closes on the first trial success."""

import pybreaker
from harness.derive import inherit

CAUGHT_BY = ["test_trial_successes_close_the_breaker", "test_default_settings"]
reference = inherit(globals(), __file__)


def make_breaker(name, *, failure_threshold=5, recovery_timeout=30.0, success_threshold=2,
                 listeners=()):
    _check_breaker_settings(failure_threshold, success_threshold, recovery_timeout)
    return pybreaker.CircuitBreaker(
        fail_max=failure_threshold,
        reset_timeout=recovery_timeout,
        exclude=[_is_an_answer],
        listeners=[_Shielded(listener) for listener in listeners],
        name=name,
        throw_new_error_on_trip=False,
        # success_threshold not passed on
    )
