"""Resets the counts when the breaker closes (as Resilience4j does): they must only ever go up."""
from harness.derive import inherit

CAUGHT_BY = ["test_counts_survive_every_transition"]
reference = inherit(globals(), __file__)


class CircuitBreaker(reference.CircuitBreaker):
    def _move_to(self, new, now):
        event = super()._move_to(new, now)
        if new is State.CLOSED:  # "a fresh start"
            self._successes = self._failures = self._ignored = self._rejections = 0
        return event
