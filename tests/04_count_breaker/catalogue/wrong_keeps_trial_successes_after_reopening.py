"""Keeps the trial successes of an earlier half-open period: re-opening does not reset them."""
from harness.derive import inherit

CAUGHT_BY = ["test_trial_failure_reopens_and_restarts_the_timeout"]
reference = inherit(globals(), __file__)


class CircuitBreaker(reference.CircuitBreaker):
    def _transition_to(self, new_state):
        successes = self._trial_successes
        super()._transition_to(new_state)
        if new_state is State.HALF_OPEN:
            self._trial_successes = successes  # the mistake: trial successes reset on closing only
