"""A late failure arriving while OPEN restarts the open period ('still failing: wait longer')."""
from harness.derive import inherit

CAUGHT_BY = ["test_late_failure_changes_nothing"]
reference = inherit(globals(), __file__)


class CircuitBreaker(reference.CircuitBreaker):
    def _complete(self, admitted, outcome):
        if outcome is FAILURE and self._status.state is OPEN:
            now = self._clock()
            with self._lock:  # the mistake: the service is still failing, so wait longer
                self._status = replace(self._status, opened_at=now)
            return
        super()._complete(admitted, outcome)
