"""OpenTimer's clock defaults to time.monotonic (the kata's convention 7), not the wall clock pybreaker judges by."""

import time

from harness.derive import inherit

CAUGHT_BY = ["test_open_timer_defaults_to_the_wall_clock"]
reference = inherit(globals(), __file__)


class OpenTimer(reference.OpenTimer):
    def __init__(self, clock=time.monotonic):
        super().__init__(clock)
