"""async with judges a block's exception with is_failure alone: an excluded type still counts."""
from harness.derive import inherit

CAUGHT_BY = ["test_async_with_guards_a_block"]
reference = inherit(globals(), __file__)


class CircuitBreaker(reference.CircuitBreaker):
    async def __aexit__(self, kind, error, traceback):
        if isinstance(error, Exception):
            *outer, ticket = _entered.get()
            _entered.set(tuple(outer))
            self._complete(ticket, failed=self._is_failure(error))
            return False
        return await super().__aexit__(kind, error, traceback)
