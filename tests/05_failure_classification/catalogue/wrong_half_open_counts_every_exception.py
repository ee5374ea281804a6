"""In half-open, any exception re-opens the breaker: a 404 or an excluded error counts as a failed trial."""
from harness.derive import inherit

CAUGHT_BY = ["test_client_error_in_half_open_counts_as_a_trial_success"]
reference = inherit(globals(), __file__)


class CircuitBreaker(reference.CircuitBreaker):
    def _counts_as_failure(self, error):
        if self._state is State.HALF_OPEN:
            return True  # the mistake: a trial is judged by whether it raised
        return super()._counts_as_failure(error)
