"""A pasted breaker that books a caller rejected while the trials are in flight as a failed trial: it re-opens."""
from harness.derive import inherit

CAUGHT_BY = ["test_rejected_calls_count_for_nothing"]
reference = inherit(globals(), __file__)


class CircuitBreaker(reference.CircuitBreaker):
    def _admit(self):
        try:
            return super()._admit()
        except CircuitOpenError:
            changes = []
            with self._lock:
                now = self._clock()
                if self._state is State.HALF_OPEN:  # the mistake: a rejection is no trial
                    changes.append(self._move_to(State.OPEN, now))
            self._publish(changes)
            raise
