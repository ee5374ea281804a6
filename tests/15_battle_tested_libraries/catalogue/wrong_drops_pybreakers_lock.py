"""Overrides call() without pybreaker's lock, to follow lesson 6: pybreaker's state machine is then unguarded, and callers run during a trial."""

import pybreaker
from harness.derive import inherit

CAUGHT_BY = ["test_one_lock_serialises_every_call"]
REPEAT = 20  # threads: the lockless breaker must be caught on every run
reference = inherit(globals(), __file__)


class LocklessBreaker(pybreaker.CircuitBreaker):
    def call(self, func, *args, **kwargs):
        return self.state.call(func, *args, **kwargs)


def make_breaker(name, *, failure_threshold=5, recovery_timeout=30.0, success_threshold=2,
                 listeners=()):
    _check_breaker_settings(failure_threshold, success_threshold, recovery_timeout)
    return LocklessBreaker(
        fail_max=failure_threshold,
        reset_timeout=recovery_timeout,
        success_threshold=success_threshold,
        exclude=[_is_an_answer],
        listeners=[_Shielded(listener) for listener in listeners],
        name=name,
        throw_new_error_on_trip=False,
    )
