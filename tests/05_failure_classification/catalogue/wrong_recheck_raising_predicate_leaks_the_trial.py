"""Lets a predicate's exception skip the bookkeeping: the call counts for nothing, and a trial it judged stays "running" forever."""
from harness.derive import inherit

CAUGHT_BY = ["test_a_predicate_that_raises_counts_as_a_failure"]
reference = inherit(globals(), __file__)


class CircuitBreaker(reference.CircuitBreaker):
    def _judge(self, trial, predicate, outcome):
        failed = bool(predicate(outcome))  # the mistake: if this raises, nothing is booked
        if failed:
            self._on_failure(trial)
        else:
            self._on_success(trial)
