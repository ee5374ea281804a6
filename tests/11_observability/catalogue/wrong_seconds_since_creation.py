"""Reports seconds since the breaker was created, not since the last transition."""
from harness.derive import inherit

CAUGHT_BY = ["test_seconds_in_state_restart_at_each_transition",
             "test_metrics_snapshot_counts_everything",
             "test_registry_gives_a_status_line_per_breaker"]
reference = inherit(globals(), __file__)


class CircuitBreaker(reference.CircuitBreaker):
    def _move_to(self, new, now):
        created_at = self._entered_at
        event = super()._move_to(new, now)
        self._entered_at = created_at  # the misconception: the state's start time is never reset
        return event


class BreakerRegistry(reference.BreakerRegistry):
    def __init__(self, defaults=None, overrides=None, *, clock=time.monotonic,
                 factory=CircuitBreaker):
        super().__init__(defaults, overrides, clock=clock, factory=factory)
