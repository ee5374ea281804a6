"""Records whatever the caller gets, fallback answers included, as the last good answer."""
from harness.derive import inherit

CAUGHT_BY = [
    "test_cache_never_serves_an_answer_older_than_max_age",
    "test_cache_records_only_successful_answers",
]
reference = inherit(globals(), __file__)


def with_fallback(breaker, func, fallback, *, cache=None):
    @functools.wraps(func)
    def guarded(*args, **kwargs):
        try:
            result = breaker.call(func, *args, **kwargs)
        except CircuitOpenError as rejection:
            result = _fall_back(fallback, rejection, args, kwargs)
        except Exception as error:
            if not breaker.is_failure(error):
                raise
            result = _fall_back(fallback, error, args, kwargs)
        if cache is not None and not breaker.is_failure_result(result):
            cache.record(result, *args, **kwargs)  # the answer the caller got, whatever it was
        return result

    return guarded
