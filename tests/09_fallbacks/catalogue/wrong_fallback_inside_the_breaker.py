"""Runs the fallback inside breaker.call, so the breaker sees the fallback's answer as a success."""
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
    @functools.wraps(func)
    def guarded(*args, **kwargs):
        def attempt():
            try:
                result = func(*args, **kwargs)
            except Exception as error:
                if not breaker.is_failure(error):
                    raise
                return _fall_back(fallback, error, args, kwargs)
            if cache is not None and not breaker.is_failure_result(result):
                cache.record(result, *args, **kwargs)
            return result

        try:
            return breaker.call(attempt)
        except CircuitOpenError as rejection:
            return _fall_back(fallback, rejection, args, kwargs)

    return guarded
