"""Keyed by host name without the port: two services on one machine share a breaker."""
import threading
import time
from urllib.parse import urlsplit

from harness.derive import inherit

CAUGHT_BY = ["test_for_url_keys_by_host"]

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
        return {**self._defaults, **self._overrides.get(service, {})}

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
    host = urlsplit(url).hostname  # the misconception: the port is dropped
    if not host:
        raise ValueError(f"no host in {url!r}")
    return host
