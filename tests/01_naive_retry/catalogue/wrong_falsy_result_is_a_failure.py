"""Treats a falsy result (None, 0, an empty list) as a failure and calls again."""
from harness.derive import inherit

CAUGHT_BY = ["test_returns_any_value_as_is"]
reference = inherit(globals(), __file__)


def retry(func, attempts=3):
    if attempts < 1:
        raise ValueError(attempts)
    result = None
    for attempt in range(attempts):
        try:
            result = func()
        except Exception:
            if attempt == attempts - 1:
                raise
            continue
        if result:  # "no answer yet": but None and [] are answers
            return result
    return result
