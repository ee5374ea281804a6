"""Counts trial admissions, not trials in flight: after max calls nobody else gets in."""
from harness.derive import inherit

CAUGHT_BY = ["test_half_open_admits_at_most_max_calls", "test_non_failure_trial_returns_its_permit",
             "test_base_exception_trial_returns_its_permit"]
reference = inherit(globals(), __file__)


class _Status(reference._Status):
    __slots__ = ()

    def enter(self, state, now):  # the reference's enter would build a reference _Status
        opened_at = now if state is OPEN else self.opened_at
        return _Status(state=state, epoch=self.epoch + 1, opened_at=opened_at)

    def _complete_trial(self, outcome, now, settings):
        if outcome is FAILURE:
            return self.enter(OPEN, now)
        if outcome is NEITHER:
            return self  # the mistake: the permit is not given back...
        if self.successes + 1 >= settings.success_threshold:
            return self.enter(CLOSED, now)
        return replace(self, successes=self.successes + 1)  # ...nor here


class CircuitBreaker(reference.CircuitBreaker):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._status = _Status()
