"""Re-raises a new CancelledError of its own instead of the one it caught."""
import asyncio

from harness.derive import inherit

CAUGHT_BY = ["test_cancellation_propagates_unchanged"]
reference = inherit(globals(), __file__)


class CircuitBreaker(reference.CircuitBreaker):
    async def call(self, func, *args, **kwargs):
        try:
            return await super().call(func, *args, **kwargs)
        except asyncio.CancelledError:
            raise asyncio.CancelledError(f"call through {self.name} cancelled") from None
