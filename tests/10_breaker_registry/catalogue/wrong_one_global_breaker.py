"""One global breaker: every service shares it, so a payments outage cuts off users."""
import threading
import time
from urllib.parse import urlsplit

from harness.derive import inherit

CAUGHT_BY = ["test_same_service_same_breaker", "test_failing_payments_never_trips_users"]

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
        self._breaker = None
        self._names = set()
        self._lock = threading.Lock()
        for service in ["(defaults)", *self._overrides]:
            self._build(service)

    def _settings(self, service):
        return {**self._defaults, **self._overrides.get(service, {})}

    def _build(self, service):
        return self._factory(name=service, clock=self._clock, **self._settings(service))

    def get(self, service):
        # The misconception: one breaker for the whole client, whatever the service.
        with self._lock:
            self._names.add(service)
            if self._breaker is None:
                self._breaker = self._build(service)
            return self._breaker

    def for_url(self, url):
        return self.get(_service_of(url))

    def names(self):
        with self._lock:
            return sorted(self._names)


def _service_of(url):
    parts = urlsplit(url)
    if not parts.hostname:
        raise ValueError(f"no host in {url!r}")
    return parts.hostname if parts.port is None else f"{parts.hostname}:{parts.port}"
