"""Correct, built differently: functools.cache around the builder, called only under one
lock (which makes it atomic), settings frozen into sorted tuples."""
import threading
import time
from urllib.parse import urlsplit

from harness.derive import inherit

ACCEPTED = True

# A learner keeps the breaker the starter hands them and writes the registry.
inherit(globals(), __file__, source="starter")


class BreakerRegistry:
    def __init__(self, defaults=None, overrides=None, *, clock=time.monotonic,
                 factory=CircuitBreaker):
        self._defaults = tuple(sorted((defaults or {}).items()))
        self._overrides = {svc: tuple(sorted(cfg.items())) for svc, cfg in (overrides or {}).items()}
        self._clock = clock
        self._factory = factory
        self._lock = threading.Lock()
        self._made = set()
        self._build = functools.cache(self._construct)
        for svc in ("", *self._overrides):
            self._construct(svc)  # builds (and drops) one: the factory checks the settings

    def _construct(self, service):
        settings = dict(self._defaults)
        settings.update(self._overrides.get(service, ()))
        return self._factory(name=service or "defaults", clock=self._clock, **settings)

    def get(self, service):
        with self._lock:
            breaker = self._build(service)
            self._made.add(service)
            return breaker

    def for_url(self, url):
        parsed = urlsplit(url)
        if not parsed.hostname:
            raise ValueError("no host")
        return self.get(parsed.hostname if parsed.port is None
                        else "%s:%d" % (parsed.hostname, parsed.port))

    def names(self):
        with self._lock:
            return sorted(self._made)
