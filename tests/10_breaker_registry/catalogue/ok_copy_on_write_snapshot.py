"""Correct, built differently: an immutable snapshot (MappingProxyType) replaced on each
insert, lock-free reads, an RLock for writers, the URL's netloc parsed with a regex."""
import re as _re
import threading
import time
import types as _types
from urllib.parse import urlsplit

from harness.derive import inherit

ACCEPTED = True

# A learner keeps the breaker the starter hands them and writes the registry.
inherit(globals(), __file__, source="starter")


class BreakerRegistry:
    _NETLOC = _re.compile(r"^(?:[^@]*@)?(?P<host>\[[^\]]*\]|[^:]*)(?::(?P<port>\d*))?$")

    def __init__(self, defaults=None, overrides=None, *, clock=time.monotonic,
                 factory=CircuitBreaker):
        base = {} if defaults is None else {**defaults}
        per = {} if overrides is None else {svc: {**cfg} for svc, cfg in overrides.items()}
        self._config = (base, per)
        self._clock, self._factory = clock, factory
        self._snapshot = _types.MappingProxyType({})
        self._write = threading.RLock()
        factory(name="defaults-check", clock=clock, **base)
        for svc in per:
            factory(name=svc, clock=clock, **{**base, **per[svc]})

    def get(self, service):
        snap = self._snapshot
        if service in snap:
            return snap[service]
        with self._write:
            if service not in self._snapshot:
                base, per = self._config
                new = self._factory(name=service, clock=self._clock,
                                    **{**base, **per.get(service, {})})
                self._snapshot = _types.MappingProxyType({**self._snapshot, service: new})
            return self._snapshot[service]

    def for_url(self, url):
        netloc = urlsplit(url).netloc
        match = self._NETLOC.match(netloc)
        host = (match.group("host") if match else "").strip("[]").lower()
        if not host:
            raise ValueError(url)
        port = match.group("port")
        return self.get(f"{host}:{int(port)}" if port else host)

    def names(self):
        return sorted(self._snapshot)
