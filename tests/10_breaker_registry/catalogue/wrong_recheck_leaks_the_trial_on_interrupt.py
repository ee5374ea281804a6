"""A pasted breaker that leaks the trial on Ctrl-C: a trial ended by a BaseException keeps its place, HALF_OPEN forever."""
import time

from harness.derive import inherit

CAUGHT_BY = ["test_interruption_is_no_outcome_and_frees_the_trial"]
reference = inherit(globals(), __file__)


class CircuitBreaker(reference.CircuitBreaker):
    def _release(self, ticket):
        pass  # the mistake: an interrupted call is ignored, its trial place too


class BreakerRegistry(reference.BreakerRegistry):
    def __init__(self, defaults=None, overrides=None, *, clock=time.monotonic,
                 factory=CircuitBreaker):
        super().__init__(defaults, overrides, clock=clock, factory=factory)
