"""Hands the factory only failure_threshold and recovery_timeout: the other settings are lost."""
from harness.derive import inherit

CAUGHT_BY = ["test_the_factory_gets_every_setting"]
reference = inherit(globals(), __file__)


class BreakerRegistry(reference.BreakerRegistry):
    def _build(self, service):
        settings = self._settings_for(service)
        kept = {key: settings[key] for key in ("failure_threshold", "recovery_timeout")
                if key in settings}
        return self._factory(name=service, clock=self._clock, **kept)
