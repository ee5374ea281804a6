"""Calls on_state_change under a non-reentrant Lock: a listener reading state deadlocks.

It takes the lock for every read too, so the listener's `breaker.state` waits for a lock its
own thread holds.
"""
from harness.derive import inherit

CAUGHT_BY = ["test_listener_may_read_the_breaker"]
reference = inherit(globals(), __file__)


class CircuitBreaker(reference.CircuitBreaker):
    @property
    def state(self):
        with self._lock:
            return self._status.state

    @property
    def failure_count(self):
        with self._lock:
            return self._status.failures

    def _announce(self, before, after):
        with self._lock:  # the mistake: the listener runs while the (plain) Lock is held
            super()._announce(before, after)
