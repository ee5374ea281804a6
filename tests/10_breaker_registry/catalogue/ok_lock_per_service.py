"""Correct, built differently: one lock per service (a slow build blocks only its own service)."""
import threading
import time
from collections import defaultdict
from urllib.parse import urlsplit

from harness.derive import inherit

ACCEPTED = True

# A learner keeps the breaker the starter hands them and writes the registry: so does this
# entry. Only the registry below differs from a correct submission.
inherit(globals(), __file__, source="starter")


class BreakerRegistry:
    def __init__(self, defaults=None, overrides=None, *, clock=time.monotonic,
                 factory=CircuitBreaker):
        self._defaults = {**(defaults or {})}
        self._overrides = {service: {**settings} for service, settings in (overrides or {}).items()}
        self._clock, self._factory = clock, factory
        self._breakers = {}
        self._locks_guard = threading.Lock()
        self._locks = defaultdict(threading.Lock)
        factory(name="<defaults>", clock=clock, **self._defaults)
        for service in self._overrides:
            self._make(service)

    def _make(self, service):
        return self._factory(name=service, clock=self._clock,
                             **{**self._defaults, **self._overrides.get(service, {})})

    def _lock_of(self, service):
        with self._locks_guard:
            return self._locks[service]

    def get(self, service):
        found = self._breakers.get(service)
        if found is not None:
            return found
        with self._lock_of(service):
            if service not in self._breakers:
                self._breakers[service] = self._make(service)
            return self._breakers[service]

    def for_url(self, url):
        parts = urlsplit(url)
        if not parts.hostname:
            raise ValueError(f"no host in {url!r}")
        return self.get(parts.hostname if parts.port is None
                        else f"{parts.hostname}:{parts.port}")

    def names(self):
        return sorted(list(self._breakers))
