"""Counts a rejection as a failure too, so the failure rate climbs while nothing is called."""
from harness.derive import inherit

CAUGHT_BY = ["test_rejections_are_not_calls",
             "test_metrics_snapshot_counts_everything",
             "test_status_line_reads_like_the_readme"]
reference = inherit(globals(), __file__)


class CircuitBreaker(reference.CircuitBreaker):
    def _admit(self):
        try:
            return super()._admit()
        except CircuitOpenError:
            with self._lock:
                self._failures += 1  # the misconception: "it failed, didn't it?"
            raise


class BreakerRegistry(reference.BreakerRegistry):
    def __init__(self, defaults=None, overrides=None, *, clock=time.monotonic,
                 factory=CircuitBreaker):
        super().__init__(defaults, overrides, clock=clock, factory=factory)
