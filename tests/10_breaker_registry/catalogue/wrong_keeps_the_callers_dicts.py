"""Keeps the caller's dicts instead of copies: editing them later changes new breakers."""
from harness.derive import inherit

CAUGHT_BY = ["test_the_registry_keeps_its_own_copies"]
reference = inherit(globals(), __file__)


class BreakerRegistry(reference.BreakerRegistry):
    def __init__(self, defaults=None, overrides=None, *, clock=time.monotonic,
                 factory=CircuitBreaker):
        super().__init__(defaults, overrides, clock=clock, factory=factory)
        self._defaults = defaults if defaults is not None else {}  # the caller's own dict
        self._overrides = overrides if overrides is not None else {}
