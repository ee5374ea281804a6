"""Drops a success whenever anything was recorded since its call was admitted (a failure in between), as if it were late: the run of failures is not broken."""
from harness.derive import inherit

CAUGHT_BY = ["test_a_success_admitted_before_a_failure_still_counts"]
reference = inherit(globals(), __file__)


class CircuitBreaker(reference.CircuitBreaker):
    def _complete(self, admitted, outcome):
        if outcome is SUCCESS and admitted is not self._status and admitted.state is CLOSED:
            return  # the mistake: "changed since admission" taken for "another stay"
        super()._complete(admitted, outcome)
