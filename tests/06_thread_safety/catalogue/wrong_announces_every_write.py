"""Calls on_state_change on every status write: it hears CLOSED->CLOSED too."""
from harness.derive import inherit

CAUGHT_BY = ["test_each_transition_is_reported_once"]
reference = inherit(globals(), __file__)


class CircuitBreaker(reference.CircuitBreaker):
    def _announce(self, before, after):
        if after is not before and self._on_state_change is not None:  # the mistake: any write
            self._on_state_change(before.state, after.state)
