"""Falls back on anything that is not an answer, Ctrl-C and SystemExit included."""
from harness.derive import inherit

CAUGHT_BY = ["test_ctrl_c_is_never_a_reason_to_fall_back"]
reference = inherit(globals(), __file__)


def with_fallback(breaker, func, fallback, *, cache=None):
    @functools.wraps(func)
    def guarded(*args, **kwargs):
        try:
            result = breaker.call(func, *args, **kwargs)
        except BaseException as error:  # "whatever went wrong, the user gets an answer"
            if isinstance(error, Exception) and not isinstance(error, CircuitOpenError) \
                    and not breaker.is_failure(error):
                raise
            return _fall_back(fallback, error, args, kwargs)
        if cache is not None and not breaker.is_failure_result(result):
            cache.record(result, *args, **kwargs)
        return result

    return guarded
