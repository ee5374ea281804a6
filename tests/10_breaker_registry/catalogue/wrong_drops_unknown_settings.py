"""Passes only the setting names it knows: a typo is silently dropped instead of a TypeError."""
from harness.derive import inherit

CAUGHT_BY = ["test_bad_settings_fail_when_the_registry_is_built"]
reference = inherit(globals(), __file__)

KNOWN = {"failure_threshold", "recovery_timeout", "success_threshold", "exclude",
         "is_failure", "is_failure_result", "half_open_max_calls", "on_state_change"}


class BreakerRegistry(reference.BreakerRegistry):
    def _settings_for(self, service):
        merged = super()._settings_for(service)
        return {key: value for key, value in merged.items() if key in KNOWN}
