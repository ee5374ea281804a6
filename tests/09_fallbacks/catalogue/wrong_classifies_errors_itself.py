"""Decides what is a failure itself (network errors, 5xx) instead of asking the breaker."""
from harness.derive import inherit

CAUGHT_BY = [
    "test_never_falls_back_on_a_non_failure",
    "test_falls_back_on_whatever_the_breaker_counts",
]
reference = inherit(globals(), __file__)


def _looks_like_an_outage(error):
    if isinstance(error, requests.HTTPError):
        return error.response is not None and error.response.status_code >= 500
    return isinstance(error, (requests.ConnectionError, requests.Timeout))


def with_fallback(breaker, func, fallback, *, cache=None):
    @functools.wraps(func)
    def guarded(*args, **kwargs):
        try:
            result = breaker.call(func, *args, **kwargs)
        except Exception as error:
            if not (isinstance(error, CircuitOpenError) or _looks_like_an_outage(error)):
                raise
            try:
                return fallback(error, *args, **kwargs)
            except Exception as fallback_error:
                raise FallbackFailed(error, fallback_error) from fallback_error
        if cache is not None and not breaker.is_failure_result(result):
            cache.record(result, *args, **kwargs)
        return result

    return guarded
