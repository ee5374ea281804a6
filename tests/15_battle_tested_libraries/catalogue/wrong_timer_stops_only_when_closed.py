"""OpenTimer stops counting only when the breaker closes, not when it half-opens."""

from harness.derive import inherit

CAUGHT_BY = ["test_pybreaker_reads_the_wall_clock"]
reference = inherit(globals(), __file__)


class OpenTimer(reference.OpenTimer):
    def state_change(self, cb, old_state, new_state):
        if new_state.name != "half-open":
            super().state_change(cb, old_state, new_state)
