"""Checks `exclude` by iterating it, then keeps `tuple(exclude)`: a generator is empty the second time, so nothing is excluded."""
from harness.derive import inherit

CAUGHT_BY = ["test_excluded_exceptions_never_count"]
reference = inherit(globals(), __file__)


class CircuitBreaker(reference.CircuitBreaker):
    def __init__(self, *args, exclude=(), **kwargs):
        for kind in exclude:  # the check uses the iterable up...
            if not (isinstance(kind, type) and issubclass(kind, BaseException)):
                raise TypeError(f"exclude must hold exception classes, got {kind!r}")
        super().__init__(*args, exclude=exclude, **kwargs)  # ...and a generator arrives empty
