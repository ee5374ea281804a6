"""chain returns None when every fallback fails, instead of raising."""

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
        for fallback in fallbacks:
            try:
                return fallback(error, *args, **kwargs)
            except Exception:
                continue
        return None

    return first_answer
