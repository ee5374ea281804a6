"""Keeps lesson 4's half-open rule: the first failed trial re-opens, and all trials must succeed to close."""
from harness.derive import inherit

CAUGHT_BY = ["test_half_open_verdict_is_the_trial_failure_rate"]
reference = inherit(globals(), __file__)


class CircuitBreaker(reference.CircuitBreaker):
    def _record_trial(self, failed):
        if failed:
            self._switch(State.OPEN)  # at once, whatever the trials' failure rate
            return
        self._trials.record(False)
        if self._trials.total >= self.half_open_max_calls:
            self._switch(State.CLOSED)
