"""Records every returned value, even a 503 Response the breaker counted as a failure."""

CAUGHT_BY = [
    "test_cache_records_only_successful_answers",
]

from pathlib import Path

from harness.loader import load

# The reference, word for word, except for what is redefined below.
_reference = load(Path(__file__).resolve().parents[3] / "solutions" / "09_fallbacks" / "fallback.py")
globals().update({k: v for k, v in vars(_reference).items() if not k.startswith("__")})


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
        if cache is not None:
            cache.record(result, *args, **kwargs)  # it returned, so it must be good
        return result

    return guarded
