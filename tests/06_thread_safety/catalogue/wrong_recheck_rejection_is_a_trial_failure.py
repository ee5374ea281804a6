"""Counts a caller rejected while the trials are in flight as a failed trial: the extra caller re-opens the breaker."""
from harness.derive import inherit

CAUGHT_BY = ["test_rejected_calls_count_for_nothing"]
reference = inherit(globals(), __file__)


class CircuitBreaker(reference.CircuitBreaker):
    def _admit(self):
        try:
            return super()._admit()
        except CircuitOpenError:
            now = self._clock()
            with self._lock:
                before = self._status
                if before.state is HALF_OPEN:  # the mistake: a rejection booked as a failure
                    self._status = before.enter(OPEN, now)
            self._announce(before, self._status)
            raise
