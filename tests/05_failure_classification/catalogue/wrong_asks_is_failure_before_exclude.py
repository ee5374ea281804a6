"""Asks `is_failure` before looking at `exclude`: a predicate that raises turns an excluded error into a failure (and replaces it with the predicate's exception)."""
from harness.derive import inherit

CAUGHT_BY = ["test_excluded_exceptions_never_count"]
reference = inherit(globals(), __file__)


class CircuitBreaker(reference.CircuitBreaker):
    def _counts_as_failure(self, error):
        verdict = bool(self.is_failure(error))  # the mistake: asked first, even if excluded
        if isinstance(error, self.exclude):
            return False
        return verdict
