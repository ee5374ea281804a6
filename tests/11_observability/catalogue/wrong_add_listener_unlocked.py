"""Rebuilds the listener tuple without the lock: two listeners added at once, one is lost."""
from harness.derive import inherit

CAUGHT_BY = ["test_listeners_added_at_the_same_moment_are_both_kept"]
REPEAT = 20
reference = inherit(globals(), __file__)


class CircuitBreaker(reference.CircuitBreaker):
    def add_listener(self, listener):
        self._listeners = (*self._listeners, listener)  # read, build, write: not one step
