"""Re-opens on the first failed trial (lessons 4-6's rule) instead of judging all trials' rate."""
from harness.derive import inherit

CAUGHT_BY = ["test_half_open_admits_max_calls_and_judges_their_rate",
             "test_a_cancelled_trial_gives_its_permit_back"]
reference = inherit(globals(), __file__)


class CircuitBreaker(reference.CircuitBreaker):
    def _record_trial(self, failed):
        if failed:
            self._switch(State.OPEN)
            return
        super()._record_trial(failed)
