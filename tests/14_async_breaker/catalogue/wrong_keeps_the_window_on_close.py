"""Closing keeps the old window: the failures that opened the breaker still count."""
from harness.derive import inherit

CAUGHT_BY = ["test_half_open_admits_max_calls_and_judges_their_rate"]
reference = inherit(globals(), __file__)


class CircuitBreaker(reference.CircuitBreaker):
    def _switch(self, new):
        if new is State.CLOSED:
            kept = self._window
            self._window = CountWindow(self.window_size)
            super()._switch(new)
            self._window = kept
        else:
            super()._switch(new)
