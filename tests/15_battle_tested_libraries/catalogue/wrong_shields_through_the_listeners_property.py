"""Shields listeners by overriding pybreaker's `listeners` property: pybreaker reads its private `_listeners` on the way into half-open, so a raising listener still blocks every trial."""

import pybreaker
from harness.derive import inherit

CAUGHT_BY = ["test_a_raising_listener_changes_nothing"]
reference = inherit(globals(), __file__)


class ShieldingBreaker(pybreaker.CircuitBreaker):
    @property
    def listeners(self):
        return tuple(_Shielded(listener) for listener in self._listeners)


def make_breaker(name, *, failure_threshold=5, recovery_timeout=30.0, success_threshold=2,
                 listeners=()):
    _check_breaker_settings(failure_threshold, success_threshold, recovery_timeout)
    return ShieldingBreaker(
        fail_max=failure_threshold,
        reset_timeout=recovery_timeout,
        success_threshold=success_threshold,
        exclude=[_is_an_answer],
        listeners=list(listeners),
        name=name,
        throw_new_error_on_trip=False,
    )
