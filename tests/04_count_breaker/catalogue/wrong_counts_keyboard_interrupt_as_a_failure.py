"""Catches BaseException, so Ctrl-C (KeyboardInterrupt) counts as a failure of the service."""
from harness.derive import inherit

CAUGHT_BY = ["test_keyboard_interrupt_is_not_a_failure"]
reference = inherit(globals(), __file__)


class CircuitBreaker(reference.CircuitBreaker):
    def call(self, func, *args, **kwargs):
        trial = self._before_call()
        try:
            result = func(*args, **kwargs)
        except BaseException:  # the mistake: KeyboardInterrupt and SystemExit count too
            self._on_failure(trial)
            raise
        self._on_success(trial)
        return result
