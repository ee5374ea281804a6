"""Books a caller rejected while the trials are in flight as a failed trial, so the verdict comes early."""
from harness.derive import inherit

CAUGHT_BY = ["test_rejected_calls_count_for_nothing"]
reference = inherit(globals(), __file__)


class CircuitBreaker(reference.CircuitBreaker):
    def _admit(self):
        try:
            return super()._admit()
        except CircuitOpenError:
            with self._lock:
                if self._state is State.HALF_OPEN:  # the mistake: a rejection is no trial
                    self._record_trial(True, False)
                announce = self._take_pending()
            self._announce(announce)
            raise
