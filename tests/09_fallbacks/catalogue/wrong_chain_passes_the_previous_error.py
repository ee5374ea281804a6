"""chain hands each fallback the previous fallback's error instead of the call's."""

CAUGHT_BY = [
    "test_chain_tries_each_fallback_in_turn",
]

from pathlib import Path

from harness.loader import load

# The reference, word for word, except for what is redefined below.
_reference = load(Path(__file__).resolve().parents[3] / "solutions" / "09_fallbacks" / "fallback.py")
globals().update({k: v for k, v in vars(_reference).items() if not k.startswith("__")})


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
