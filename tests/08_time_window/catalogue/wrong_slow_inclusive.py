"""Counts a call as slow when it takes slow_call_duration or longer (>=), not strictly longer."""
from harness.derive import inherit

CAUGHT_BY = ["test_slow_means_strictly_longer"]
reference = inherit(globals(), __file__)


class CircuitBreaker(reference.CircuitBreaker):
    def _is_slow(self, started):
        return self._clock() - started >= self.slow_call_duration  # >= where > is meant
