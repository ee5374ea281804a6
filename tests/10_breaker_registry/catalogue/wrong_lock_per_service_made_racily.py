"""A lock per service, but the lock itself is made with check-then-act: two threads that meet
each make one, each take their own, and each build a breaker."""
import threading

from harness.derive import inherit

CAUGHT_BY = ["test_concurrent_get_builds_exactly_one_breaker"]
REPEAT = 10
reference = inherit(globals(), __file__)


class BreakerRegistry(reference.BreakerRegistry):
    def get(self, service):
        locks = self.__dict__.setdefault("_service_locks", {})
        lock = locks.get(service)
        if lock is None:
            lock = locks[service] = threading.Lock()  # another thread may be doing the same
        with lock:
            breaker = self._breakers.get(service)
            if breaker is None:
                breaker = self._breakers[service] = self._build(service)
            return breaker
