"""get() lower-cases every name, so get('Users') hands out the breaker of 'users'."""
from harness.derive import inherit

CAUGHT_BY = ["test_same_service_same_breaker"]
reference = inherit(globals(), __file__)


class BreakerRegistry(reference.BreakerRegistry):
    def get(self, service):
        return super().get(service.lower())
