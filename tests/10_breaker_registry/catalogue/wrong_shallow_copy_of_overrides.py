"""Copies the overrides mapping but not each service's settings: the inner dicts are shared."""
from harness.derive import inherit

CAUGHT_BY = ["test_the_registry_keeps_its_own_copies"]
reference = inherit(globals(), __file__)


class BreakerRegistry(reference.BreakerRegistry):
    def __init__(self, defaults=None, overrides=None, *, clock=time.monotonic,
                 factory=CircuitBreaker):
        super().__init__(defaults, overrides, clock=clock, factory=factory)
        self._overrides = dict(overrides or {})  # a new outer dict, the same inner ones
