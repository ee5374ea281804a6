"""Wraps the whole loop over listeners in one try: the first one that raises silences the rest."""
from harness.derive import inherit

CAUGHT_BY = ["test_other_listeners_still_run"]
reference = inherit(globals(), __file__)


class CircuitBreaker(reference.CircuitBreaker):
    def _publish(self, events):
        listeners = self._listeners
        for event in events:
            if event.kind == STATE_CHANGE and self._on_state_change is not None:
                self._notify(self._on_state_change, event.from_state, event.to_state)
            try:  # the misconception: one try around every listener at once
                for listener in listeners:
                    listener(event)
            except Exception:
                logger.warning("a listener of circuit breaker %r raised; ignored", self.name,
                               exc_info=True)
