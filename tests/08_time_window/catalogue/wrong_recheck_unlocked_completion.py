"""Records outcomes without the lock: two failures recorded at the same moment overwrite each other (caught when the threads take turns instruction by instruction)."""
from harness.derive import inherit

CAUGHT_BY = ["test_racing_failures_are_all_counted"]
REPEAT = 20
reference = inherit(globals(), __file__)


class CircuitBreaker(reference.CircuitBreaker):
    def _complete(self, epoch, *, failed, slow):
        # the mistake: the window is updated with no lock around it
        if epoch == self._epoch:
            if self._state is State.CLOSED:
                self._record_closed(failed, slow)
            elif self._state is State.HALF_OPEN:
                self._record_trial(failed, slow)
        self._announce(self._take_pending())
