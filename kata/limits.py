"""How long grading may take, shared by the grading child and the parent that watches it.

Every check has its own time limit (``pytest.ini``'s ``timeout``, or the check's
``@pytest.mark.timeout(n)``; ``KATA_TIMEOUT`` overrides the default for the grader's own
tests), and importing the learner's module gets the default one. Where pytest-timeout can
interrupt a check in place (SIGALRM), a check past its limit fails like any other and grading
stops there (the next checks would most likely loop the same way). Code that swallows the
interruption (a bare ``except:`` in a loop) is ended by the child's own watchdog at the limit
plus a grace, and by the parent a backstop later. So the hard limit of a whole grading is the
sum of its checks' limits: it scales with their number.
"""

from __future__ import annotations

import os

#: Past its limit, a check that swallowed the interruption gets this long before the end.
GRACE_SECONDS = float(os.environ.get("KATA_GRACE", "2"))
#: After the child's own watchdog should have ended it, the parent waits this much longer.
BACKSTOP_SECONDS = 1.5
#: The grader's own start (Python, pytest, the harness) and collection: only a machine under
#: very heavy load needs more than a second or two.
STARTUP_LIMIT_SECONDS = 60.0
#: From one check's end to the next one's start (pytest's own work between checks).
BETWEEN_CHECKS_SECONDS = 20.0


def grace(inband: bool) -> float:
    """The grace after a check's limit: none where nothing can interrupt a check in place."""
    return GRACE_SECONDS if inband else 0.0
