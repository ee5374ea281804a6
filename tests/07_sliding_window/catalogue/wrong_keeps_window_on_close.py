"""Closing from HALF_OPEN keeps the old window, so the failures that opened it re-open it at once."""
from harness.derive import inherit

CAUGHT_BY = ["test_closing_starts_an_empty_window",
             "test_half_open_verdict_is_the_trial_failure_rate"]
reference = inherit(globals(), __file__)


class CircuitBreaker(reference.CircuitBreaker):
    def _switch(self, new):
        old, self._state = self._state, new
        self._epoch += 1
        if new is State.OPEN:
            self._opened_at = self._clock()
        elif new is State.HALF_OPEN:
            self._trials.clear()
            self._trials_admitted = 0
        # entering CLOSED: the window is left as it was
        self._pending.append((old, new))
