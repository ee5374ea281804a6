"""A cancelled async-with block gives its permit back in HALF_OPEN, but counts as a success while CLOSED."""
from harness.derive import inherit

CAUGHT_BY = ["test_cancellation_is_neither_failure_nor_success",
             "test_other_base_exceptions_give_the_permit_back"]
reference = inherit(globals(), __file__)


class CircuitBreaker(reference.CircuitBreaker):
    async def __aexit__(self, kind, error, traceback):
        if error is not None and not isinstance(error, Exception) \
                and self._state is State.CLOSED:
            *outer, ticket = _entered.get()
            _entered.set(tuple(outer))
            self._complete(ticket, failed=False)  # "no permit to give back: it just ended"
            return False
        return await super().__aexit__(kind, error, traceback)
