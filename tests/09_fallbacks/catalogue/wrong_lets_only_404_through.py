"""Lets a 404 through but falls back on every other HTTP error, a 400 or a 409 included."""
from harness.derive import inherit

CAUGHT_BY = ["test_never_falls_back_on_a_non_failure"]
reference = inherit(globals(), __file__)


def with_fallback(breaker, func, fallback, *, cache=None):
    @functools.wraps(func)
    def guarded(*args, **kwargs):
        try:
            result = breaker.call(func, *args, **kwargs)
        except requests.HTTPError as error:
            if error.response is not None and error.response.status_code == 404:
                raise  # "not found is an answer"; every other status "is an outage"
            return _fall_back(fallback, error, args, kwargs)
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
