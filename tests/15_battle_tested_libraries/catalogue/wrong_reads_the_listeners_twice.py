"""Checks every listener in one pass over `listeners` and wraps them in a second: a generator is empty by then."""

from harness.derive import inherit

CAUGHT_BY = ["test_listeners_hear_every_transition"]
reference = inherit(globals(), __file__)


def make_breaker(name, *, failure_threshold=5, recovery_timeout=30.0, success_threshold=2,
                 listeners=()):
    for listener in listeners:
        if not hasattr(listener, "state_change"):
            raise TypeError(f"{listener!r} is not a pybreaker listener")
    return reference.make_breaker(name, failure_threshold=failure_threshold,
                                  recovery_timeout=recovery_timeout,
                                  success_threshold=success_threshold, listeners=listeners)
