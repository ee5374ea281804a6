"""Calls listeners while holding the breaker's lock: a listener that reads the breaker stalls it.

"The listeners are shared state, so take the lock": the lock is then held for as long as
the listeners run, and a listener (or an exporter thread) that reads the breaker waits.
"""
from harness.derive import inherit

CAUGHT_BY = ["test_listeners_run_outside_the_breaker_lock"]
reference = inherit(globals(), __file__)


class CircuitBreaker(reference.CircuitBreaker):
    def _publish(self, events):
        with self._lock:  # the misconception: the listeners run under the breaker's lock
            super()._publish(events)
