"""Uses the state as the call's ticket: a late result from an earlier CLOSED period counts again."""
from harness.derive import inherit

CAUGHT_BY = ["test_late_results_change_nothing"]
reference = inherit(globals(), __file__)


class CircuitBreaker(reference.CircuitBreaker):
    def _admit(self):
        super()._admit()
        return self._state  # "the state I was admitted in"

    def _complete(self, ticket, *, failed):
        if ticket is self._state:
            super()._complete(self._epoch, failed=failed)

    def _release(self, ticket):
        if ticket is self._state:
            super()._release(self._epoch)

