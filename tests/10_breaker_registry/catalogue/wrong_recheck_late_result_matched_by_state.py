"""A pasted breaker that tells a late result by the state its call was admitted in, not by the stay: a call of an earlier CLOSED or HALF_OPEN stay counts in the next one."""
import time

from harness.derive import inherit

CAUGHT_BY = ["test_late_results_from_closed_change_nothing",
             "test_late_trial_from_an_earlier_half_open_changes_nothing"]
reference = inherit(globals(), __file__)


class CircuitBreaker(reference.CircuitBreaker):
    def _record(self, ticket, *, failed):
        with self._lock:
            if ticket.trial == (self._state is State.HALF_OPEN):
                # the mistake: the same kind of stay is taken for the same stay
                ticket = ticket._replace(generation=self._generation)
        super()._record(ticket, failed=failed)


class BreakerRegistry(reference.BreakerRegistry):
    def __init__(self, defaults=None, overrides=None, *, clock=time.monotonic,
                 factory=CircuitBreaker):
        super().__init__(defaults, overrides, clock=clock, factory=factory)
