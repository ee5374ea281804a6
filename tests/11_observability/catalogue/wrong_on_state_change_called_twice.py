"""Makes on_state_change a listener but still calls it directly: it hears each change twice."""
from harness.derive import inherit

CAUGHT_BY = ["test_each_transition_is_announced_once",
             "test_a_raising_listener_never_aborts_a_transition"]
reference = inherit(globals(), __file__)


class CircuitBreaker(reference.CircuitBreaker):
    def __init__(self, *args, on_state_change=None, **kwargs):
        super().__init__(*args, on_state_change=on_state_change, **kwargs)
        if on_state_change is not None:
            # The misconception: on_state_change becomes a listener too, while _publish keeps
            # calling it directly.
            self.add_listener(lambda e: e.kind == STATE_CHANGE
                              and on_state_change(e.from_state, e.to_state))
