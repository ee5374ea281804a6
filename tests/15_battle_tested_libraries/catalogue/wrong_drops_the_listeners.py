"""Never hands the listeners to pybreaker."""

import pybreaker
from harness.derive import inherit

CAUGHT_BY = ["test_listeners_hear_every_transition", "test_open_timer_tells_the_time_until_a_trial"]
reference = inherit(globals(), __file__)


def make_breaker(name, *, failure_threshold=5, recovery_timeout=30.0, success_threshold=2,
                 listeners=()):
    _check_breaker_settings(failure_threshold, success_threshold, recovery_timeout)
    return pybreaker.CircuitBreaker(
        fail_max=failure_threshold,
        reset_timeout=recovery_timeout,
        success_threshold=success_threshold,
        exclude=[_is_an_answer],
        name=name,
        throw_new_error_on_trip=False,
        # the listeners are never passed on
    )
