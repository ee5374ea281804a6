"""__aexit__ returns True after recording a failure: the block's exception is swallowed."""
from harness.derive import inherit

CAUGHT_BY = ["test_async_with_guards_a_block"]
reference = inherit(globals(), __file__)


class CircuitBreaker(reference.CircuitBreaker):
    async def __aexit__(self, kind, error, traceback):
        await super().__aexit__(kind, error, traceback)
        return error is not None and isinstance(error, Exception) and \
            self._counts_as_failure(error)  # "handled"
