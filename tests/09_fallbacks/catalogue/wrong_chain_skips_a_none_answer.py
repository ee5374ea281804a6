"""chain treats a fallback that returns None as one with no answer, and asks the next."""
from harness.derive import inherit

CAUGHT_BY = ["test_any_returned_value_is_an_answer"]
reference = inherit(globals(), __file__)


def chain(*fallbacks):
    if not fallbacks:
        raise ValueError("chain() needs at least one fallback")

    def first_answer(error, *args, **kwargs):
        last_error = None
        for fallback in fallbacks:
            try:
                answer = fallback(error, *args, **kwargs)
            except Exception as failure:
                last_error = failure
                continue
            if answer is not None:
                return answer
        if last_error is None:
            return None
        raise last_error

    return first_answer
