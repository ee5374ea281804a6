"""Applies minimum_calls to the trials too (opossum#276): with fewer trials than minimum_calls there is never a verdict, HALF_OPEN forever."""
from harness.derive import inherit

CAUGHT_BY = ["test_half_open_verdict_waits_for_every_trial"]
reference = inherit(globals(), __file__)


class CircuitBreaker(reference.CircuitBreaker):
    def _record_trial(self, failed):
        self._trials.record(failed)
        if self._trials.total < max(self.minimum_calls, self.half_open_max_calls):
            return  # the mistake: the volume gate of CLOSED applied to the trials
        if rate_reached(self._trials.failures, self._trials.total, self.failure_rate_threshold):
            self._switch(State.OPEN)
        else:
            self._switch(State.CLOSED)
