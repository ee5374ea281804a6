"""A pasted breaker that reads the clock once per call, before the function runs, and stamps that as the open time: a tripping call (or failed trial) that took 10 s opens the breaker 10 s too early."""
import time

from harness.derive import inherit

CAUGHT_BY = ["test_the_open_period_starts_when_the_failure_returns"]
reference = inherit(globals(), __file__)


class CircuitBreaker(reference.CircuitBreaker):
    def call(self, func, *args, **kwargs):
        self._now = self._clock()  # one reading per call, taken before the call...
        return super().call(func, *args, **kwargs)

    def _move_to(self, new, now):
        change = super()._move_to(new, now)
        if new is State.OPEN:
            self._opened_at = self._now  # ...the mistake: used when the failure comes back
        return change


class BreakerRegistry(reference.BreakerRegistry):
    def __init__(self, defaults=None, overrides=None, *, clock=time.monotonic,
                 factory=CircuitBreaker):
        super().__init__(defaults, overrides, clock=clock, factory=factory)
