"""Announces a transition before making it, unguarded: a raising listener aborts it."""
from harness.derive import inherit

CAUGHT_BY = ["test_a_raising_listener_never_aborts_a_transition",
             "test_a_raising_listener_never_changes_what_callers_get",
             "test_other_listeners_still_run"]
reference = inherit(globals(), __file__)


class CircuitBreaker(reference.CircuitBreaker):
    def _move_to(self, new, now):
        # The misconception: tell everyone first, then switch; nothing guards the listeners.
        event = Event(STATE_CHANGE, self.name, now, from_state=self._state, to_state=new)
        if self._on_state_change is not None:
            self._on_state_change(self._state, new)
        for listener in self._listeners:
            listener(event)
        super()._move_to(new, now)
        return None  # already announced

    def _publish(self, events):
        super()._publish([event for event in events if event is not None])
