"""Admits without the lock: two callers racing for the one trial place both take it (caught when the threads take turns instruction by instruction)."""
import contextlib

from harness.derive import rewrite

CAUGHT_BY = ["test_racing_trials_take_one_place"]
REPEAT = 20
rewrite(globals(), __file__,
        ('        """Let a call through (returning its epoch) or raise CircuitOpenError."""\n'
         "        with self._lock:\n",
         "        with contextlib.nullcontext():  # the mistake: the read-decide-write unlocked\n"))
