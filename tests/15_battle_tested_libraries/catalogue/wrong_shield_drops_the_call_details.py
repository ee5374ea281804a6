"""The shield forwards before_call without the function's arguments, and failure without the exception: listeners hear that something happened, not what."""

import pybreaker
from harness.derive import inherit

CAUGHT_BY = ["test_listeners_hear_every_transition"]
reference = inherit(globals(), __file__)


class Forgetful(reference._Shielded):
    def before_call(self, cb, func, *args, **kwargs):
        self._safely("before_call", cb, func)

    def failure(self, cb, exc):
        self._safely("failure", cb, None)


def make_breaker(name, *, failure_threshold=5, recovery_timeout=30.0, success_threshold=2,
                 listeners=()):
    _check_breaker_settings(failure_threshold, success_threshold, recovery_timeout)
    return pybreaker.CircuitBreaker(
        fail_max=failure_threshold,
        reset_timeout=recovery_timeout,
        success_threshold=success_threshold,
        exclude=[_is_an_answer],
        listeners=[Forgetful(listener) for listener in listeners],
        name=name,
        throw_new_error_on_trip=False,
    )
