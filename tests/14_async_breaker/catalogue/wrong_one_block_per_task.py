"""Keeps one async-with ticket per task (a dict, no stack): two nested blocks of one breaker break it."""
import asyncio

from harness.derive import inherit

CAUGHT_BY = ["test_async_with_guards_a_block"]
reference = inherit(globals(), __file__)


class CircuitBreaker(reference.CircuitBreaker):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._blocks = {}

    async def __aenter__(self):
        self._blocks[asyncio.current_task()] = self._admit()
        return self

    async def __aexit__(self, kind, error, traceback):
        ticket = self._blocks.pop(asyncio.current_task())
        if error is None:
            self._complete(ticket, failed=False)
        elif isinstance(error, Exception):
            self._complete(ticket, failed=self._counts_as_failure(error))
        else:
            self._release(ticket)
        return False
