"""Falls back on every exception, so a 404 (an answer) is replaced by the fallback."""
from harness.derive import inherit

CAUGHT_BY = [
    "test_never_falls_back_on_a_non_failure",
]
reference = inherit(globals(), __file__)


def with_fallback(breaker, func, fallback, *, cache=None):
    @functools.wraps(func)
    def guarded(*args, **kwargs):
        try:
            result = breaker.call(func, *args, **kwargs)
        except Exception as error:  # every error, answers included
            try:
                return fallback(error, *args, **kwargs)
            except Exception as fallback_error:
                raise FallbackFailed(error, fallback_error) from fallback_error
        if cache is not None and not breaker.is_failure_result(result):
            cache.record(result, *args, **kwargs)
        return result

    return guarded
