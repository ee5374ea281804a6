"""Correct, built differently: double-checked locking, a ChainMap of settings, netloc keys."""
import threading
import time
from collections import ChainMap
from urllib.parse import urlsplit

from harness.derive import inherit

ACCEPTED = True

# A learner keeps the breaker the starter hands them and writes the registry: so does this
# entry. Only the registry below differs from a correct submission.
inherit(globals(), __file__, source="starter")


_NOT_SET = object()


class BreakerRegistry:
    """Reads without a lock on the fast path; builds under the lock after checking again."""

    def __init__(self, defaults=None, overrides=None, *, clock=time.monotonic,
                 factory=CircuitBreaker):
        self._defaults = dict(defaults or {})
        self._overrides = {name: dict(values) for name, values in (overrides or {}).items()}
        self._make = lambda service: factory(
            name=service, clock=clock, **ChainMap(self._overrides.get(service, {}),
                                                  self._defaults))
        self._breakers = {}
        self._creating = threading.RLock()
        self._make("defaults check")
        for service in self._overrides:
            self._make(service)

    def get(self, service):
        breaker = self._breakers.get(service, _NOT_SET)
        if breaker is not _NOT_SET:
            return breaker  # the common case: no lock at all
        with self._creating:
            breaker = self._breakers.get(service, _NOT_SET)
            if breaker is _NOT_SET:  # nobody built it while we waited for the lock
                breaker = self._make(service)
                self._breakers = {**self._breakers, service: breaker}  # publish a new dict
            return breaker

    def for_url(self, url):
        netloc = urlsplit(url).netloc.rpartition("@")[2].lower()
        if not netloc:
            raise ValueError(f"{url!r} has no host")
        return self.get(netloc)

    def names(self):
        return sorted(self._breakers)
