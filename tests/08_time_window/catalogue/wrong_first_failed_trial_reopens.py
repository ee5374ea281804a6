"""Re-opens on the first failed trial, as lessons 4-6 did, instead of waiting for all half_open_max_calls trials."""
from harness.derive import inherit

CAUGHT_BY = ["test_half_open_verdict_waits_for_every_trial"]
reference = inherit(globals(), __file__)


class CircuitBreaker(reference.CircuitBreaker):
    def _record_trial(self, failed, slow):
        if failed:
            self._switch(State.OPEN)  # the mistake: no waiting for the other trials
            return
        super()._record_trial(failed, slow)
