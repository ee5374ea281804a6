"""Shields the listeners with `except Exception: pass`: the breaker carries on, but a listener bug is never seen."""

import pybreaker
from harness.derive import inherit

CAUGHT_BY = ["test_a_raising_listener_changes_nothing"]
reference = inherit(globals(), __file__)


class Silenced(reference._Shielded):
    def _safely(self, event, *args, **kwargs):
        try:
            getattr(self._listener, event)(*args, **kwargs)
        except Exception:
            pass


def make_breaker(name, *, failure_threshold=5, recovery_timeout=30.0, success_threshold=2,
                 listeners=()):
    _check_breaker_settings(failure_threshold, success_threshold, recovery_timeout)
    return pybreaker.CircuitBreaker(
        fail_max=failure_threshold,
        reset_timeout=recovery_timeout,
        success_threshold=success_threshold,
        exclude=[_is_an_answer],
        listeners=[Silenced(listener) for listener in listeners],
        name=name,
        throw_new_error_on_trip=False,
    )
