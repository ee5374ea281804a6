"""Records every returned value, even a 503 Response the breaker counted as a failure."""
from harness.derive import inherit

CAUGHT_BY = [
    "test_cache_records_only_successful_answers",
]
reference = inherit(globals(), __file__)


def with_fallback(breaker, func, fallback, *, cache=None):
    @functools.wraps(func)
    def guarded(*args, **kwargs):
        try:
            result = breaker.call(func, *args, **kwargs)
        except CircuitOpenError as rejection:
            return _fall_back(fallback, rejection, args, kwargs)
        except Exception as error:
            if not breaker.is_failure(error):
                raise
            return _fall_back(fallback, error, args, kwargs)
        if cache is not None:
            cache.record(result, *args, **kwargs)  # it returned, so it must be good
        return result

    return guarded
