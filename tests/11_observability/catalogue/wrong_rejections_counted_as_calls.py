"""Counts rejected calls as calls of the service."""
import dataclasses

from harness.derive import inherit

CAUGHT_BY = ["test_rejections_are_not_calls",
             "test_metrics_snapshot_counts_everything",
             "test_status_line_reads_like_the_readme",
             "test_registry_gives_a_status_line_per_breaker"]
reference = inherit(globals(), __file__)


class CircuitBreaker(reference.CircuitBreaker):
    def metrics(self):
        m = super().metrics()
        # The misconception: every call made through the breaker is a call.
        return dataclasses.replace(m, calls=m.calls + m.rejections)


class BreakerRegistry(reference.BreakerRegistry):
    def __init__(self, defaults=None, overrides=None, *, clock=time.monotonic,
                 factory=CircuitBreaker):
        super().__init__(defaults, overrides, clock=clock, factory=factory)
