"""OpenTimer counts from the first failure of the run, not from the moment the breaker opened."""

from harness.derive import inherit

CAUGHT_BY = ["test_open_timer_tells_the_time_until_a_trial"]
reference = inherit(globals(), __file__)


class OpenTimer(reference.OpenTimer):
    def __init__(self, clock=reference.time.time):
        super().__init__(clock)
        self._first_failure = None

    def failure(self, cb, exc):
        if self._first_failure is None:
            self._first_failure = self._clock()

    def state_change(self, cb, old_state, new_state):
        super().state_change(cb, old_state, new_state)
        if new_state.name == "open" and self._first_failure is not None:
            self._reopens_at = self._first_failure + cb.reset_timeout
        if new_state.name == "closed":
            self._first_failure = None
