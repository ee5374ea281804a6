"""Closing does not reset the failure count: one failure after closing re-opens at once."""
from harness.derive import inherit

CAUGHT_BY = ["test_closing_resets_every_counter"]
reference = inherit(globals(), __file__)


class CircuitBreaker(reference.CircuitBreaker):
    def _transition_to(self, new_state):
        failures = self._failure_count
        super()._transition_to(new_state)
        if new_state is State.CLOSED:
            self._failure_count = failures  # the mistake: the failures that opened it still count
