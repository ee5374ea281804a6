"""Swallows a predicate's exception: the call counts as a failure, but nobody learns that the predicate is broken."""
from harness.derive import inherit

CAUGHT_BY = ["test_a_predicate_that_raises_counts_as_a_failure"]
reference = inherit(globals(), __file__)


class CircuitBreaker(reference.CircuitBreaker):
    def _judge(self, trial, predicate, outcome):
        try:
            failed = bool(predicate(outcome))
        except Exception:
            failed = True  # the mistake: the predicate's bug disappears
        if failed:
            self._on_failure(trial)
        else:
            self._on_success(trial)
