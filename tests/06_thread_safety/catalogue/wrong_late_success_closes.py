"""Any success closes the breaker, even a late one arriving while OPEN."""
from harness.derive import inherit

CAUGHT_BY = ["test_late_success_does_not_close"]
reference = inherit(globals(), __file__)


class CircuitBreaker(reference.CircuitBreaker):
    def _complete(self, admitted, outcome):
        if outcome is SUCCESS and self._status.state is OPEN:
            now = self._clock()
            with self._lock:  # the mistake: the service answered, so it has recovered
                before = self._status
                after = self._status = before.enter(CLOSED, now)
            self._announce(before, after)
            return
        super()._complete(admitted, outcome)
