"""Counts its own call_timeout as a failure whatever `exclude` says (a special case for TimeoutError)."""
from harness.derive import inherit

CAUGHT_BY = ["test_a_timeout_inside_the_guarded_call_is_a_failure"]
reference = inherit(globals(), __file__)


class CircuitBreaker(reference.CircuitBreaker):
    def _counts_as_failure(self, error):
        if isinstance(error, TimeoutError) and self.call_timeout is not None:
            return True
        return super()._counts_as_failure(error)
