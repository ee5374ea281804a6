"""OpenTimer.retry_after goes negative once the timeout has passed and nobody has called."""

from harness.derive import inherit

CAUGHT_BY = ["test_open_timer_tells_the_time_until_a_trial"]
reference = inherit(globals(), __file__)


class OpenTimer(reference.OpenTimer):
    def retry_after(self):
        if self._reopens_at is None:
            return 0.0
        return self._reopens_at - self._clock()
