"""OpenTimer compares new_state (a pybreaker state object) with 'open': never equal, so it never counts down."""

from harness.derive import inherit

CAUGHT_BY = ["test_open_timer_tells_the_time_until_a_trial"]
reference = inherit(globals(), __file__)


class OpenTimer(reference.OpenTimer):
    def state_change(self, cb, old_state, new_state):
        self._reopens_at = self._clock() + cb.reset_timeout if new_state == "open" else None
