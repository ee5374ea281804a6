"""Holds an asyncio.Lock across the protected call: calls run one at a time, extra trials wait."""
import asyncio

from harness.derive import inherit

CAUGHT_BY = ["test_calls_run_concurrently", "test_recovery_timeout_zero_admits_a_trial_at_once",
             "test_rejected_calls_are_not_counted"]
reference = inherit(globals(), __file__)


class CircuitBreaker(reference.CircuitBreaker):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._lock = asyncio.Lock()

    async def call(self, func, *args, **kwargs):
        async with self._lock:
            return await super().call(func, *args, **kwargs)
