"""Correct, built differently: configured services built at start; others unlocked, first kept."""
import threading
import time
from urllib.parse import urlsplit

from harness.derive import inherit

ACCEPTED = True

# A learner keeps the breaker the starter hands them and writes the registry: so does this
# entry. Only the registry below differs from a correct submission.
inherit(globals(), __file__, source="starter")


class BreakerRegistry:
    """Builds the configured services at start-up; a new service may be built by several
    threads at once, but only the first breaker stored is ever handed out."""

    def __init__(self, defaults=None, overrides=None, *, clock=time.monotonic,
                 factory=CircuitBreaker):
        self._defaults = dict(defaults or {})
        self._overrides = {name: dict(values) for name, values in (overrides or {}).items()}
        self._clock = clock
        self._factory = factory
        self._lock = threading.Lock()
        factory(name="(defaults)", clock=clock, **self._defaults)  # checks the defaults
        self._breakers = {name: self._build(name) for name in self._overrides}

    def _build(self, service):
        settings = dict(self._defaults)
        settings.update(self._overrides.get(service, ()))
        return self._factory(name=service, clock=self._clock, **settings)

    def get(self, service):
        with self._lock:
            existing = self._breakers.get(service)
        if existing is not None:
            return existing
        candidate = self._build(service)  # may be built by several threads; one is kept
        with self._lock:
            return self._breakers.setdefault(service, candidate)

    def for_url(self, url):
        parts = urlsplit(url)
        host, port = parts.hostname, parts.port
        if host is None or host == "":
            raise ValueError(f"{url!r} has no host")
        return self.get(host if port is None else "%s:%d" % (host, port))

    def names(self):
        with self._lock:
            return sorted(self._breakers)
