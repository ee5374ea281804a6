"""Records a result only if it is truthy: an empty list (or a Response, false for 4xx/5xx) is
judged by bool(), not by the breaker."""
from harness.derive import inherit

CAUGHT_BY = ["test_any_returned_value_is_an_answer",
             "test_the_cache_records_what_the_breaker_judges_good"]
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
        if cache is not None and result:
            cache.record(result, *args, **kwargs)
        return result

    return guarded
