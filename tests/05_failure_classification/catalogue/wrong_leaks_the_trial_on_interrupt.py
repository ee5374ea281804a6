"""Forgets the trial on KeyboardInterrupt: the breaker waits forever for a trial that ended."""
from harness.derive import inherit

CAUGHT_BY = ["test_ctrl_c_and_system_exit_are_neither_failures_nor_swallowed"]
reference = inherit(globals(), __file__)


class CircuitBreaker(reference.CircuitBreaker):
    def _on_abandoned(self, trial):
        pass  # the mistake: a trial ended by KeyboardInterrupt or SystemExit is never finished
