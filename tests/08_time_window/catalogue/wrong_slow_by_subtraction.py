"""Measures the duration as a difference (`end - start > slow_call_duration`): a 1.0 s call that starts at t=1.03 comes out 1.0000000000000002 s long, and slow."""
from harness.derive import inherit

CAUGHT_BY = ["test_slow_means_strictly_longer"]
reference = inherit(globals(), __file__)


class CircuitBreaker(reference.CircuitBreaker):
    def _is_slow(self, started):
        return self._clock() - started > self.slow_call_duration  # the mistake: rounding decides
