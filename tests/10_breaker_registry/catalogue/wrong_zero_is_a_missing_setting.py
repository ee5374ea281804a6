"""Checks the settings itself with truthiness, so recovery_timeout=0 is rejected as missing."""
from harness.derive import inherit

CAUGHT_BY = ["test_bad_settings_fail_when_the_registry_is_built"]
reference = inherit(globals(), __file__)


class BreakerRegistry(reference.BreakerRegistry):
    def _check_settings(self):
        for service in ["(defaults)", *self._overrides]:
            settings = self._settings_for(service)
            for key in ("failure_threshold", "recovery_timeout", "success_threshold"):
                if key in settings and not settings[key]:  # 0 is "not set"
                    raise ValueError(f"{service}: {key} must be set, got {settings[key]!r}")
        super()._check_settings()
