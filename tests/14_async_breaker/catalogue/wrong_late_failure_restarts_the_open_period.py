"""Restarts the open period on a late failure (a call admitted while CLOSED that fails once OPEN)."""
from harness.derive import inherit

CAUGHT_BY = ["test_the_open_period_starts_when_the_breaker_opens"]
reference = inherit(globals(), __file__)


class CircuitBreaker(reference.CircuitBreaker):
    def _complete(self, ticket, *, failed):
        if ticket != self._epoch and failed and self._state is State.OPEN:
            self._opened_at = self._clock()  # "the service is still failing: wait longer"
        super()._complete(ticket, failed=failed)
