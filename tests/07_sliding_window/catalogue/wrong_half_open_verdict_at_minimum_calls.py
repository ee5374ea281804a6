"""Judges the trials as soon as minimum_calls of them completed (Resilience4j takes min(minimumNumberOfCalls, permitted)): with minimum_calls=2 the verdict comes after 2 of 4 trials."""
from harness.derive import inherit

CAUGHT_BY = ["test_half_open_verdict_waits_for_every_trial"]
reference = inherit(globals(), __file__)


class CircuitBreaker(reference.CircuitBreaker):
    def _record_trial(self, failed):
        self._trials.record(failed)
        needed = min(self.minimum_calls, self.half_open_max_calls)  # the mistake
        if self._trials.total < needed:
            return
        if rate_reached(self._trials.failures, self._trials.total, self.failure_rate_threshold):
            self._switch(State.OPEN)
        else:
            self._switch(State.CLOSED)
