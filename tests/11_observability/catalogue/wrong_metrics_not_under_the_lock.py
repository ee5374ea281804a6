"""Reads the counters, the state and its start time without the lock: a snapshot of two moments."""
from harness.derive import inherit

CAUGHT_BY = ["test_a_snapshot_agrees_with_itself_under_concurrent_calls"]
REPEAT = 5
reference = inherit(globals(), __file__)


class CircuitBreaker(reference.CircuitBreaker):
    def metrics(self):
        judged = self._successes + self._failures
        return Metrics(
            calls=judged + self._ignored,
            successes=self._successes,
            failures=self._failures,
            rejections=self._rejections,
            ignored=self._ignored,
            failure_rate=100.0 * self._failures / judged if judged else 0.0,
            state=self._state,
            seconds_in_state=self._clock() - self._entered_at,
        )
