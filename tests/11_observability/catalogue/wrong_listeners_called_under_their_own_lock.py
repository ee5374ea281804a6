"""Guards the listener tuple with a lock of its own and holds it while calling the listeners:
a listener that subscribes another one (add_listener) waits for itself forever."""
import threading

from harness.derive import inherit

CAUGHT_BY = ["test_a_listener_may_add_a_listener"]
reference = inherit(globals(), __file__)


class CircuitBreaker(reference.CircuitBreaker):
    def add_listener(self, listener):
        with self._listener_lock():
            self._listeners = (*self._listeners, listener)

    def _listener_lock(self):
        return self.__dict__.setdefault("_listeners_guard", threading.Lock())

    def _publish(self, events):
        with self._listener_lock():  # "nobody may change the list while we walk it"
            super()._publish(events)
