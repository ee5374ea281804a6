"""OpenTimer starts a countdown on every failure, so it reports a wait while the breaker is still closed."""

from harness.derive import inherit

CAUGHT_BY = ["test_open_timer_tells_the_time_until_a_trial"]
reference = inherit(globals(), __file__)


class OpenTimer(reference.OpenTimer):
    def failure(self, cb, exc):
        self._reopens_at = self._clock() + cb.reset_timeout
