"""Announces OPEN->HALF_OPEN only when the trial has finished, after the trial's outcome."""
from harness.derive import inherit

CAUGHT_BY = ["test_a_trial_is_announced_before_its_outcome"]
reference = inherit(globals(), __file__)


class CircuitBreaker(reference.CircuitBreaker):
    _held = ()

    def _publish(self, events):
        half_open = [e for e in events if e.kind == STATE_CHANGE and e.to_state is State.HALF_OPEN]
        others = [e for e in events if e not in half_open]
        if half_open:  # kept back until the trial's own outcome is known
            self._held = (*self._held, *half_open)
            super()._publish(others)
            return
        held, self._held = self._held, ()
        outcome = [e for e in others if e.kind != STATE_CHANGE]
        verdict = [e for e in others if e.kind == STATE_CHANGE]
        super()._publish([*outcome, *held, *verdict])
