"""Times only the calls that return or fail: a slow 404 (raised, but not a failure) is never slow."""
from harness.derive import inherit

CAUGHT_BY = ["test_a_slow_non_failure_is_slow"]
reference = inherit(globals(), __file__)


class CircuitBreaker(reference.CircuitBreaker):
    def call(self, func, *args, **kwargs):
        epoch = self._admit()
        started = self._clock()
        try:
            result = func(*args, **kwargs)
        except Exception as error:
            failed = self._counts_as_failure(error)
            slow = failed and self._is_slow(started)  # the mistake: a non-failure is not timed
            self._complete(epoch, failed=failed, slow=slow)
            raise
        except BaseException:
            self._abandon(epoch)
            raise
        self._complete(epoch, failed=self._is_failure_result(result),
                       slow=self._is_slow(started))
        return result
