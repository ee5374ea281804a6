"""chain returns None when every fallback fails, instead of raising."""
from harness.derive import inherit

CAUGHT_BY = [
    "test_chain_tries_each_fallback_in_turn",
]
reference = inherit(globals(), __file__)


def chain(*fallbacks):
    if not fallbacks:
        raise ValueError("chain() needs at least one fallback")

    def first_answer(error, *args, **kwargs):
        for fallback in fallbacks:
            try:
                return fallback(error, *args, **kwargs)
            except Exception:
                continue
        return None

    return first_answer
