"""Counts and reports a Ctrl-C only if the call belongs to the current period: a late one
(admitted before the breaker opened) disappears."""
from harness.derive import inherit

CAUGHT_BY = ["test_a_late_result_is_reported_but_moves_nothing"]
reference = inherit(globals(), __file__)


class CircuitBreaker(reference.CircuitBreaker):
    def _release(self, ticket, error):
        with self._lock:
            current = ticket.generation == self._generation
            if current:
                self._ignored += 1
                if ticket.trial:
                    self._trials_in_flight -= 1
            event = Event(IGNORED, self.name, self._clock(), error=error)
        self._publish([event] if current else [])
