"""Swallows KeyboardInterrupt and SystemExit "to keep the worker alive": the call returns None."""
from harness.derive import inherit

CAUGHT_BY = ["test_ctrl_c_and_system_exit_are_neither_failures_nor_swallowed"]
reference = inherit(globals(), __file__)


class CircuitBreaker(reference.CircuitBreaker):
    def call(self, func, *args, **kwargs):
        try:
            return super().call(func, *args, **kwargs)
        except Exception:
            raise
        except BaseException:
            return None  # the mistake: nobody can stop this program any more
