"""Leaks the trial on Ctrl-C: a KeyboardInterrupt during the trial leaves it "running", so the breaker rejects every call, HALF_OPEN forever."""
from harness.derive import inherit

CAUGHT_BY = ["test_interruption_is_no_outcome_and_frees_the_trial"]
reference = inherit(globals(), __file__)


class CircuitBreaker(reference.CircuitBreaker):
    def _on_abandoned(self, trial):
        pass  # the mistake: the trial's place is never given back
