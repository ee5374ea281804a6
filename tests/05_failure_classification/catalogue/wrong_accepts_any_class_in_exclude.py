"""Checks only that `exclude` holds classes: `exclude=[dict]`, a class that is no exception, is accepted."""
from harness.derive import inherit

CAUGHT_BY = ["test_zero_is_a_setting_not_a_default"]
reference = inherit(globals(), __file__)


def _exception_types(exclude):
    kinds = tuple(exclude)
    for kind in kinds:
        if not isinstance(kind, type):  # the mistake: any class passes
            raise TypeError(f"exclude must hold exception classes, got {kind!r}")
    return kinds


class CircuitBreaker(reference.CircuitBreaker):
    def __init__(self, *args, exclude=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.exclude = _exception_types(exclude)
