"""chain hands each fallback the previous fallback's error instead of the call's."""
from harness.derive import inherit

CAUGHT_BY = [
    "test_chain_tries_each_fallback_in_turn",
]
reference = inherit(globals(), __file__)


def chain(*fallbacks):
    if not fallbacks:
        raise ValueError("chain() needs at least one fallback")

    def first_answer(error, *args, **kwargs):
        for fallback in fallbacks[:-1]:
            try:
                return fallback(error, *args, **kwargs)
            except Exception as failure:
                error = failure  # "the latest error"
        return fallbacks[-1](error, *args, **kwargs)

    return first_answer
