"""Opens (and re-opens) only above the threshold: 5 of 10 at 50% stays closed."""
from harness.derive import inherit

CAUGHT_BY = ["test_opens_when_the_failure_rate_reaches_the_threshold",
             "test_half_open_admits_max_calls_and_judges_their_rate"]
reference = inherit(globals(), __file__)


def above(failures, total, threshold):
    return failures * 100 > threshold * total


class CircuitBreaker(reference.CircuitBreaker):
    def _record_closed(self, failed):
        self._window.record(failed)
        if self._window.total >= self.minimum_calls and above(
                self._window.failures, self._window.total, self.failure_rate_threshold):
            self._switch(State.OPEN)

    def _record_trial(self, failed):
        self._trials.record(failed)
        if self._trials.total < self.half_open_max_calls:
            return
        if above(self._trials.failures, self._trials.total, self.failure_rate_threshold):
            self._switch(State.OPEN)
        else:
            self._switch(State.CLOSED)
