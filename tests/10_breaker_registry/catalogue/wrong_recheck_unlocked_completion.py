"""A pasted breaker that records outcomes without the lock: two failures at the same moment overwrite each other."""
import time

from harness.derive import inherit

CAUGHT_BY = ["test_racing_failures_are_all_counted"]
REPEAT = 20
reference = inherit(globals(), __file__)


class CircuitBreaker(reference.CircuitBreaker):
    def _record(self, ticket, *, failed):
        changes = []
        now = self._clock()  # the mistake: no lock around the read-decide-write
        if ticket.generation == self._generation:
            if self._state is State.CLOSED:
                self._failure_count = self._failure_count + 1 if failed else 0
                if self._failure_count >= self._failure_threshold:
                    changes.append(self._move_to(State.OPEN, now))
            elif self._state is State.HALF_OPEN:
                self._trials_in_flight -= 1
                if failed:
                    changes.append(self._move_to(State.OPEN, now))
                else:
                    self._trial_successes += 1
                    if self._trial_successes >= self._success_threshold:
                        changes.append(self._move_to(State.CLOSED, now))
        self._announce(changes)


class BreakerRegistry(reference.BreakerRegistry):
    def __init__(self, defaults=None, overrides=None, *, clock=time.monotonic,
                 factory=CircuitBreaker):
        super().__init__(defaults, overrides, clock=clock, factory=factory)
