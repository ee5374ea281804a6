"""OpenTimer restarts the countdown on the way into half-open too (any state but closed), so it tells a caller to wait while a trial is admitted."""

from harness.derive import inherit

CAUGHT_BY = ["test_open_timer_tells_the_time_until_a_trial"]
reference = inherit(globals(), __file__)


class OpenTimer(reference.OpenTimer):
    def state_change(self, cb, old_state, new_state):
        if new_state.name == "closed":
            self._reopens_at = None
        else:
            self._reopens_at = self._clock() + cb.reset_timeout
