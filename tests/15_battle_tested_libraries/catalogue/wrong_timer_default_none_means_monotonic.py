"""OpenTimer(clock=None) picks time.monotonic when no clock is given."""

import time

from harness.derive import inherit

CAUGHT_BY = ["test_open_timer_defaults_to_the_wall_clock"]
reference = inherit(globals(), __file__)


class OpenTimer(reference.OpenTimer):
    def __init__(self, clock=None):
        super().__init__(time.monotonic if clock is None else clock)
