"""Reads counts and state under the lock but the clock after it: time in state from a later
moment than the state it belongs to."""
from harness.derive import inherit

CAUGHT_BY = ["test_a_snapshot_agrees_with_itself_under_concurrent_calls"]
REPEAT = 5
reference = inherit(globals(), __file__)


class CircuitBreaker(reference.CircuitBreaker):
    def metrics(self):
        with self._lock:
            judged = self._successes + self._failures
            counts = (judged + self._ignored, self._successes, self._failures,
                      self._rejections, self._ignored)
            rate = 100.0 * self._failures / judged if judged else 0.0
            state, entered_at = self._state, self._entered_at
        return Metrics(*counts, failure_rate=rate, state=state,
                       seconds_in_state=self._clock() - entered_at)
