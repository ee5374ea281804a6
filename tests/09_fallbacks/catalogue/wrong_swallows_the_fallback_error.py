"""Swallows a failing fallback's error silently and returns None."""
from harness.derive import inherit

CAUGHT_BY = [
    "test_a_failing_fallback_raises_an_error_with_both_causes",
    "test_the_fallback_never_touches_the_breaker_counts",
]
reference = inherit(globals(), __file__)


def _fall_back(fallback, error, args, kwargs):
    try:
        return fallback(error, *args, **kwargs)
    except Exception:
        return None  # nothing better to give


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
        if cache is not None and not breaker.is_failure_result(result):
            cache.record(result, *args, **kwargs)
        return result

    return guarded
