"""Announces a transition when the state after a call differs from before: wrong, duplicated.

Two transitions in one call (OPEN -> HALF_OPEN -> OPEN) look like none, OPEN -> HALF_OPEN ->
CLOSED looks like OPEN -> CLOSED, and concurrent callers that all saw CLOSED before their
failures each announce CLOSED -> OPEN.
"""
from harness.derive import inherit

CAUGHT_BY = ["test_transition_events_have_from_to_and_time",
             "test_concurrent_failures_announce_one_transition",
             "test_a_raising_listener_never_aborts_a_transition"]
reference = inherit(globals(), __file__)


class CircuitBreaker(reference.CircuitBreaker):
    def call(self, func, *args, **kwargs):
        before = self.state
        try:
            return super().call(func, *args, **kwargs)
        finally:
            # The misconception: a transition is "the state now differs from before the call".
            after = self.state
            if after is not before:
                super()._publish([Event(STATE_CHANGE, self.name, self._clock(),
                                        from_state=before, to_state=after)])

    def _publish(self, events):
        # The transitions the state machine makes are not announced where they happen.
        super()._publish([event for event in events if event.kind != STATE_CHANGE])
