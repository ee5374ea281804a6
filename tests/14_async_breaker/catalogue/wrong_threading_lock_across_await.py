"""Holds a threading.Lock across the protected call "for safety": the second task blocks the loop."""
import threading

from harness.derive import inherit

CAUGHT_BY = ["test_calls_run_concurrently"]
reference = inherit(globals(), __file__)


class CircuitBreaker(reference.CircuitBreaker):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._lock = threading.Lock()

    async def call(self, func, *args, **kwargs):
        with self._lock:  # pybreaker's shape: the whole call under one lock
            return await super().call(func, *args, **kwargs)
