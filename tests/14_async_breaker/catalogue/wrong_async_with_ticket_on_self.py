"""Keeps the async-with block's ticket on self: with two tasks inside, one exits with the other's."""
from harness.derive import inherit

CAUGHT_BY = ["test_late_results_change_nothing"]
REPEAT = 5  # an interleaving forced by design: caught on every run, not by luck
reference = inherit(globals(), __file__)


class CircuitBreaker(reference.CircuitBreaker):
    async def __aenter__(self):
        self._ticket = self._admit()
        return self

    async def __aexit__(self, kind, error, traceback):
        ticket = self._ticket
        if error is None:
            self._complete(ticket, failed=False)
        elif isinstance(error, Exception):
            self._complete(ticket, failed=self._counts_as_failure(error))
        else:
            self._release(ticket)
        return False
