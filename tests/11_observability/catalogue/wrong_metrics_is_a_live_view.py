"""metrics() returns the breaker's live counters object, which keeps changing after the call."""
from harness.derive import inherit

CAUGHT_BY = ["test_metrics_is_a_snapshot"]
reference = inherit(globals(), __file__)


class CircuitBreaker(reference.CircuitBreaker):
    def metrics(self):
        # The misconception: hand out a view of the live counters instead of a copy.
        return _LiveMetrics(self)


class _LiveMetrics:
    """Reads the breaker's counters each time an attribute is read."""

    def __init__(self, breaker):
        self._breaker = breaker

    def __getattr__(self, name):
        return getattr(reference.CircuitBreaker.metrics(self._breaker), name)
