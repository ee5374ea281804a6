"""No lock: the lesson-5 shell with the new features; concurrent updates overwrite each other.

Each update reads the status, asks the clock, then writes its answer back; two threads that
read the same status both write, and one write is lost (a failure, a permit, a transition).
"""
from harness.derive import inherit

CAUGHT_BY = ["test_racing_failures_are_all_counted", "test_one_open_transition_when_failures_race",
             "test_one_trial_transition_when_callers_race"]
REPEAT = 20
reference = inherit(globals(), __file__)


class CircuitBreaker(reference.CircuitBreaker):
    def _admit(self):
        before = self._status
        now = self._clock()
        after = before.admit(now, self._settings)
        if after is None:
            raise CircuitOpenError(self._name, before.retry_after(now, self._settings))
        self._status = after  # the mistake: read, decide, write with no lock around them
        self._announce(before, after)
        return after

    def _complete(self, admitted, outcome):
        before = self._status
        after = before.complete(admitted, outcome, self._clock(), self._settings)
        self._status = after  # the mistake: same here
        self._announce(before, after)
