"""Runs the fallback through the same breaker: its failures count, and it is rejected when open."""
from harness.derive import inherit

CAUGHT_BY = [
    "test_falls_back_on_rejection_without_calling_the_service",
    "test_alternate_asks_another_service_with_the_call_arguments",
    "test_a_failing_fallback_raises_an_error_with_both_causes",
    "test_the_fallback_never_touches_the_breaker_counts",
    "test_an_outage_is_served_from_cache_and_default_then_recovers",
]
reference = inherit(globals(), __file__)


def with_fallback(breaker, func, fallback, *, cache=None):
    def fall_back(error, args, kwargs):
        try:
            return breaker.call(fallback, error, *args, **kwargs)  # "protect the fallback too"
        except Exception as fallback_error:
            raise FallbackFailed(error, fallback_error) from fallback_error

    @functools.wraps(func)
    def guarded(*args, **kwargs):
        try:
            result = breaker.call(func, *args, **kwargs)
        except CircuitOpenError as rejection:
            return fall_back(rejection, args, kwargs)
        except Exception as error:
            if not breaker.is_failure(error):
                raise
            return fall_back(error, args, kwargs)
        if cache is not None and not breaker.is_failure_result(result):
            cache.record(result, *args, **kwargs)
        return result

    return guarded
