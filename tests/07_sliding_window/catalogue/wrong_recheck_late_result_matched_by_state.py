"""Tells a late result by the state its call was admitted in, not by the stay: a call admitted in an earlier stay in CLOSED counts in the next one."""
from harness.derive import inherit

CAUGHT_BY = ["test_late_results_from_closed_change_nothing"]
reference = inherit(globals(), __file__)


class CircuitBreaker(reference.CircuitBreaker):
    def _admit(self):
        super()._admit()
        with self._lock:
            return self._state  # remembers the state it was admitted in...

    def _complete(self, admitted_in, *, failed):
        with self._lock:
            if admitted_in is self._state:  # the mistake: ...the same state, maybe not the same stay
                if self._state is State.CLOSED:
                    self._record_closed(failed)
                elif self._state is State.HALF_OPEN:
                    self._record_trial(failed)
            announce = self._take_pending()
        self._announce(announce)

    def _abandon(self, admitted_in):
        with self._lock:
            if admitted_in is self._state is State.HALF_OPEN:
                self._trials_admitted -= 1
