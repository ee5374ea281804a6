"""__aexit__ classifies any exception, so a cancelled block (not a 5xx) counts as a success."""
from harness.derive import inherit

CAUGHT_BY = ["test_async_with_guards_a_block", "test_other_base_exceptions_give_the_permit_back"]
reference = inherit(globals(), __file__)


class CircuitBreaker(reference.CircuitBreaker):
    async def __aexit__(self, kind, error, traceback):
        *outer, ticket = _entered.get()
        _entered.set(tuple(outer))
        failed = error is not None and self._counts_as_failure(error)
        self._complete(ticket, failed=failed)
        return False
