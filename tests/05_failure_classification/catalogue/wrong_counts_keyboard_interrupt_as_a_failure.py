"""Catches BaseException: KeyboardInterrupt and SystemExit count as failures of the service."""
from harness.derive import inherit

CAUGHT_BY = ["test_ctrl_c_and_system_exit_are_neither_failures_nor_swallowed"]
reference = inherit(globals(), __file__)


class CircuitBreaker(reference.CircuitBreaker):
    def _on_abandoned(self, trial):
        # the `except BaseException` branch of `call` lands here: Ctrl-C counted as a failure
        self._on_failure(trial)  # the mistake
