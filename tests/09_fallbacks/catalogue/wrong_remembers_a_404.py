"""Negative caching: a 404 is remembered as the answer for those arguments (and served later as
if the service had returned it), though guarded raised it and returned nothing."""
from harness.derive import inherit

CAUGHT_BY = ["test_cache_records_only_successful_answers"]
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
                if cache is not None:
                    cache.record(error, *args, **kwargs)  # "the user does not exist" is news
                raise
            return _fall_back(fallback, error, args, kwargs)
        if cache is not None and not breaker.is_failure_result(result):
            cache.record(result, *args, **kwargs)
        return result

    return guarded
