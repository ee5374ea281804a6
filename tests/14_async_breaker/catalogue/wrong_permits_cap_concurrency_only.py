"""Gives a trial's permit back when it completes (lesson 6's rule): more than half_open_max_calls trials."""
from harness.derive import inherit

CAUGHT_BY = ["test_half_open_admits_max_calls_and_judges_their_rate",
             "test_rejected_calls_are_not_counted"]
reference = inherit(globals(), __file__)


class CircuitBreaker(reference.CircuitBreaker):
    def _complete(self, ticket, *, failed):
        if ticket == self._epoch and self._state is State.HALF_OPEN:
            self._trials_admitted -= 1
        super()._complete(ticket, failed=failed)
