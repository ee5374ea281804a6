"""Gives a permit back for any cancelled call in HALF_OPEN, even one admitted while CLOSED."""
from harness.derive import inherit

CAUGHT_BY = ["test_late_results_change_nothing"]
reference = inherit(globals(), __file__)


class CircuitBreaker(reference.CircuitBreaker):
    def _release(self, ticket):
        if self._state is State.HALF_OPEN:
            self._trials_admitted -= 1
