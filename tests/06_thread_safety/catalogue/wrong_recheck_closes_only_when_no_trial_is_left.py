"""Waits for every trial in flight before closing: success_threshold successes are not enough while another trial is out."""
from dataclasses import replace

from harness.derive import inherit

CAUGHT_BY = ["test_a_trial_that_ends_after_closing_changes_nothing"]
reference = inherit(globals(), __file__)


class CircuitBreaker(reference.CircuitBreaker):
    def _complete(self, admitted, outcome):
        with self._lock:
            status = self._status
            if outcome is SUCCESS and status.state is HALF_OPEN and \
                    admitted.epoch == status.epoch and status.trials > 1:
                # the mistake: no verdict while another trial is still in flight
                self._status = replace(status, trials=status.trials - 1,
                                       successes=status.successes + 1)
                return
        super()._complete(admitted, outcome)
