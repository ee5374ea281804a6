"""Treats KeyboardInterrupt like any error: a failure event and a failure count, not ignored."""
from harness.derive import inherit

CAUGHT_BY = ["test_every_call_outcome_is_an_event",
             "test_metrics_snapshot_counts_everything"]
reference = inherit(globals(), __file__)


class CircuitBreaker(reference.CircuitBreaker):
    def _release(self, ticket, error):
        self._record(ticket, failed=True, error=error)  # the misconception: Ctrl-C is a failure
