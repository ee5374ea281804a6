"""metrics() performs the lazy OPEN -> HALF_OPEN switch and announces it: a dashboard scrape
changes the breaker, and the event carries the scrape's time, not the next call's."""
from harness.derive import inherit

CAUGHT_BY = ["test_each_transition_is_announced_once"]
reference = inherit(globals(), __file__)


class CircuitBreaker(reference.CircuitBreaker):
    def metrics(self):
        events = []
        with self._lock:
            now = self._clock()
            if self._state is State.OPEN and now - self._opened_at >= self._recovery_timeout:
                events.append(self._move_to(State.HALF_OPEN, now))
        self._publish(events)
        return super().metrics()
