"""Decides itself which returned values are good (any non-5xx Response), instead of asking
breaker.is_failure_result: a breaker that counts a returned 429 still gets it recorded."""
from harness.derive import inherit

CAUGHT_BY = ["test_the_cache_records_what_the_breaker_judges_good"]
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
        failed = isinstance(result, requests.Response) and result.status_code >= 500
        if cache is not None and not failed:
            cache.record(result, *args, **kwargs)
        return result

    return guarded
