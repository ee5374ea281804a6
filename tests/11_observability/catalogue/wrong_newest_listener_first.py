"""Puts each new listener first, so listeners hear events in reverse order of adding."""
from harness.derive import inherit

CAUGHT_BY = ["test_listeners_hear_events_in_the_order_they_were_added"]
reference = inherit(globals(), __file__)


class CircuitBreaker(reference.CircuitBreaker):
    def add_listener(self, listener):
        with self._lock:
            self._listeners = (listener, *self._listeners)
