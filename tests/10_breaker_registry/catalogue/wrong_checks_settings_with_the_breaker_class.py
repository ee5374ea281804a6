"""Checks the settings by building a CircuitBreaker, not with the factory it was given: a
factory's extra setting is refused, a stricter factory's refusal comes at the first call."""
from harness.derive import inherit

CAUGHT_BY = ["test_bad_settings_fail_when_the_registry_is_built"]
reference = inherit(globals(), __file__)


class BreakerRegistry(reference.BreakerRegistry):
    def _check_settings(self):
        for service in ["(defaults)", *self._overrides]:
            CircuitBreaker(name=service, clock=self._clock, **self._settings_for(service))
