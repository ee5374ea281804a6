"""Lets every caller through in half-open: no limit on trial calls running at once."""
from harness.derive import inherit

CAUGHT_BY = ["test_half_open_admits_one_trial_at_a_time"]
reference = inherit(globals(), __file__)


class CircuitBreaker(reference.CircuitBreaker):
    def _before_call(self):
        self._half_open_if_due()
        if self._state is State.HALF_OPEN:  # the mistake: every caller becomes a trial call
            self._trial_running = True
            return True
        return super()._before_call()
