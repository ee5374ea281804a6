"""A chain taking any BaseException for "no answer": Ctrl-C in a fallback moves on to the next."""
from harness.derive import inherit

CAUGHT_BY = ["test_ctrl_c_is_never_a_reason_to_fall_back"]
reference = inherit(globals(), __file__)


def chain(*fallbacks):
    if not fallbacks:
        raise ValueError("chain() needs at least one fallback")

    def first_answer(error, *args, **kwargs):
        for fallback in fallbacks[:-1]:
            try:
                return fallback(error, *args, **kwargs)
            except BaseException:  # noqa: BLE001 - the misconception
                continue
        return fallbacks[-1](error, *args, **kwargs)

    return first_answer
