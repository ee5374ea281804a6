"""Records outcomes without the lock: the clock is read first, so only an instruction-by-instruction race shows a failure lost."""
from harness.derive import inherit

CAUGHT_BY = ["test_racing_failures_are_all_counted"]
REPEAT = 20
reference = inherit(globals(), __file__)


class CircuitBreaker(reference.CircuitBreaker):
    def _complete(self, admitted, outcome):
        if outcome is SUCCESS and admitted is self._status and not admitted.failures \
                and admitted.state is CLOSED:
            return
        now = self._clock()
        before = self._status  # the mistake: read, decide and write with no lock around them
        after = before.complete(admitted, outcome, now, self._settings)
        self._status = after
        self._announce(before, after)
