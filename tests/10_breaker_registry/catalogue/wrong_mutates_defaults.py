"""Merges an override into the shared defaults dict, so payments' setting leaks into users."""
import threading
import time
from urllib.parse import urlsplit

from harness.derive import inherit

CAUGHT_BY = ["test_overrides_apply_per_service"]

# A learner keeps the breaker the starter hands them and writes the registry: so does this
# entry. Only the registry below differs from a correct submission.
inherit(globals(), __file__, source="starter")


class BreakerRegistry:
    def __init__(self, defaults=None, overrides=None, *, clock=time.monotonic,
                 factory=CircuitBreaker):
        self._defaults = dict(defaults or {})
        self._overrides = {name: dict(settings) for name, settings in (overrides or {}).items()}
        self._clock = clock
        self._factory = factory
        self._breakers = {}
        self._lock = threading.Lock()
        for service in ["(defaults)", *self._overrides]:
            self._build(service)  # the breaker's constructor checks the settings

    def _settings(self, service):
        settings = self._defaults  # the misconception: no copy before merging
        settings.update(self._overrides.get(service, {}))
        return settings

    def _build(self, service):
        return self._factory(name=service, clock=self._clock, **self._settings(service))

    def get(self, service):
        with self._lock:
            if service not in self._breakers:
                self._breakers[service] = self._build(service)
            return self._breakers[service]

    def for_url(self, url):
        return self.get(_service_of(url))

    def names(self):
        with self._lock:
            return sorted(self._breakers)


def _service_of(url):
    parts = urlsplit(url)
    if not parts.hostname:
        raise ValueError(f"no host in {url!r}")
    return parts.hostname if parts.port is None else f"{parts.hostname}:{parts.port}"
