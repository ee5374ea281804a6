"""Counts every failure since the start: a success does not reset the failure count."""
from harness.derive import inherit

CAUGHT_BY = ["test_success_resets_the_failure_count"]
reference = inherit(globals(), __file__)


class CircuitBreaker(reference.CircuitBreaker):
    def _on_success(self, trial):
        if trial:
            super()._on_success(trial)
        # the mistake: a success in CLOSED leaves the failure count as it is
