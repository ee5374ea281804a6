"""Applies minimum_calls to the trials too (opossum#276): with fewer trials than minimum_calls there is never a verdict, HALF_OPEN forever."""
from harness.derive import inherit

CAUGHT_BY = ["test_half_open_verdict_waits_for_every_trial"]
reference = inherit(globals(), __file__)


class CircuitBreaker(reference.CircuitBreaker):
    def _record_trial(self, failed, slow):
        self._trials_done += 1
        self._trials_failed += failed
        self._trials_slow += slow
        if self._trials_done < max(self.minimum_calls, self.half_open_max_calls):
            return  # the mistake: the volume gate of CLOSED applied to the trials
        if self._too_bad(self._trials_failed, self._trials_slow, self._trials_done):
            self._switch(State.OPEN)
        else:
            self._switch(State.CLOSED)
