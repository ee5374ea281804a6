"""Holds its lock during the protected call: every call is serialised (pybreaker's way)."""
from harness.derive import inherit

CAUGHT_BY = ["test_protected_call_runs_outside_the_lock"]
reference = inherit(globals(), __file__)


class CircuitBreaker(reference.CircuitBreaker):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._lock = threading.RLock()  # re-entrant: admitting and recording take it again

    def call(self, func, *args, **kwargs):
        with self._lock:  # the mistake: one caller at a time; simple, and safe, and serial
            return super().call(func, *args, **kwargs)
