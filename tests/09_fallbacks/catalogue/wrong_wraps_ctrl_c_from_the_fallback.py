"""Wraps whatever the fallback raises in FallbackFailed, KeyboardInterrupt included."""
from harness.derive import inherit

CAUGHT_BY = ["test_ctrl_c_is_never_a_reason_to_fall_back"]
reference = inherit(globals(), __file__)


def _fall_back(fallback, error, args, kwargs):
    try:
        return fallback(error, *args, **kwargs)
    except BaseException as fallback_error:  # Ctrl-C becomes a "failed fallback"
        raise FallbackFailed(error, fallback_error) from fallback_error


# The reference's with_fallback, unchanged, so that it calls the _fall_back above.
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
