"""A pasted breaker that leaks the trial on Ctrl-C: a trial ended by a BaseException keeps its place, HALF_OPEN forever."""
from harness.derive import inherit

CAUGHT_BY = ["test_interruption_is_no_outcome_and_frees_the_trial"]
reference = inherit(globals(), __file__)


class CircuitBreaker(reference.CircuitBreaker):
    def _finish(self, ticket, failed):
        if failed is None:
            return  # the mistake: an interrupted call is ignored, its trial place too
        super()._finish(ticket, failed)
