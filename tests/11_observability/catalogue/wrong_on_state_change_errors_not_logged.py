"""Logs a raising listener but silently suppresses what on_state_change raises."""
import contextlib

from harness.derive import inherit

CAUGHT_BY = ["test_a_raising_listener_is_logged"]
reference = inherit(globals(), __file__)


class CircuitBreaker(reference.CircuitBreaker):
    def _publish(self, events):
        listeners = self._listeners
        for event in events:
            if event.kind == STATE_CHANGE and self._on_state_change is not None:
                with contextlib.suppress(Exception):
                    self._on_state_change(event.from_state, event.to_state)
            for listener in listeners:
                self._notify(listener, event)
