"""A trial that raises a non-failure (404, excluded) keeps its permit: stuck half-open."""
from harness.derive import inherit

CAUGHT_BY = ["test_non_failure_trial_returns_its_permit"]
reference = inherit(globals(), __file__)


class CircuitBreaker(reference.CircuitBreaker):
    def call(self, func, *args, **kwargs):
        admitted = self._admit()
        try:
            result = func(*args, **kwargs)
        except Exception as error:
            if self._counts_as_failure(error):
                self._complete(admitted, FAILURE)
            elif admitted.state is CLOSED:  # the mistake: a 404 only ends the streak
                self._complete(admitted, SUCCESS)
            raise
        except BaseException:
            self._complete(admitted, NEITHER)
            raise
        self._complete(admitted, FAILURE if self._is_failure_result(result) else SUCCESS)
        return result
