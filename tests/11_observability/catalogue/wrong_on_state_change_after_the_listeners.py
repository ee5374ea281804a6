"""Calls on_state_change after the listeners have heard the transition, not before."""
from harness.derive import inherit

CAUGHT_BY = ["test_listeners_hear_events_in_the_order_they_were_added"]
reference = inherit(globals(), __file__)


class CircuitBreaker(reference.CircuitBreaker):
    def _publish(self, events):
        listeners = self._listeners
        for event in events:
            for listener in listeners:
                self._notify(listener, event)
            if event.kind == STATE_CHANGE and self._on_state_change is not None:
                self._notify(self._on_state_change, event.from_state, event.to_state)
