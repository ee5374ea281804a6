"""Judges a result by the state it arrives in: a late result decides the trial."""
from harness.derive import inherit

CAUGHT_BY = ["test_late_failure_changes_nothing", "test_late_success_does_not_close",
             "test_late_result_during_trials_is_no_trial"]
reference = inherit(globals(), __file__)


class CircuitBreaker(reference.CircuitBreaker):
    def _complete(self, admitted, outcome):
        super()._complete(self._status, outcome)  # the mistake: the call's own ticket ignored
