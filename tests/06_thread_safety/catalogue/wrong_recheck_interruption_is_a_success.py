"""Books a call that ends in a BaseException as a success: Ctrl-C breaks a run of failures and counts as a trial success."""
from harness.derive import inherit

CAUGHT_BY = ["test_interruption_is_no_outcome_and_frees_the_trial"]
reference = inherit(globals(), __file__)


class CircuitBreaker(reference.CircuitBreaker):
    def call(self, func, *args, **kwargs):
        admitted = self._admit()
        outcome = SUCCESS  # the mistake: "it did not fail" taken to mean "it succeeded"
        try:
            result = func(*args, **kwargs)
        except Exception as error:
            outcome = FAILURE if self._counts_as_failure(error) else SUCCESS
            raise
        else:
            outcome = FAILURE if self._is_failure_result(result) else SUCCESS
            return result
        finally:
            self._complete(admitted, outcome)
