"""Books each trial success twice (and gives back two places): with success_threshold=3 two successes close it, and extra trials get in."""
from dataclasses import replace

from harness.derive import inherit

CAUGHT_BY = ["test_a_trial_gives_back_exactly_its_own_place"]
reference = inherit(globals(), __file__)


class CircuitBreaker(reference.CircuitBreaker):
    def _complete(self, admitted, outcome):
        with self._lock:
            status = self._status
            if outcome is SUCCESS and status.state is HALF_OPEN and \
                    admitted.epoch == status.epoch and \
                    status.successes + 2 < self._settings.success_threshold:
                # the mistake: a trial success counted (and its place given back) twice
                self._status = replace(status, trials=max(0, status.trials - 2),
                                       successes=status.successes + 2)
                return
        super()._complete(admitted, outcome)
