"""Memoises the builder with functools.lru_cache() under a lock: atomic, but it keeps only
128 services, and the 129th evicts a breaker (its open state and counts with it)."""
import functools

from harness.derive import inherit

CAUGHT_BY = ["test_same_service_same_breaker"]
reference = inherit(globals(), __file__)


class BreakerRegistry(reference.BreakerRegistry):
    def get(self, service):
        with self._lock:
            build = self.__dict__.get("_memoised")
            if build is None:
                build = self._memoised = functools.lru_cache()(self._build)
            breaker = build(service)
            self._breakers[service] = breaker
            return breaker
