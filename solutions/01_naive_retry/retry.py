"""Lesson 1 reference: naive retry.

Deliberately simple: no waiting between attempts and no judgement about which errors are
worth retrying. Lesson 2 adds both; lesson 3 limits how much retrying a whole client may do.
"""

from __future__ import annotations

from typing import Callable, TypeVar

T = TypeVar("T")


def retry(func: Callable[[], T], attempts: int = 3) -> T:
    """Call ``func()`` until it returns, at most ``attempts`` times.

    - ``attempts`` below 1 raises ``ValueError`` before ``func`` is ever called.
    - The first call that returns ends the retrying: its value is returned as is.
    - A call that raises an ``Exception`` is tried again, up to ``attempts`` calls in all;
      when every call failed, the exception of the *last* call is raised, unchanged.
    - ``KeyboardInterrupt`` and ``SystemExit`` are not failures to retry: they propagate at once.
    """
    if attempts < 1:
        raise ValueError(f"attempts must be at least 1, got {attempts!r}")
    for _ in range(attempts - 1):
        try:
            return func()
        except Exception:
            # `except Exception`, not a bare `except`: Ctrl-C and SystemExit are not
            # failures of the service, so they are never retried.
            continue
    # The last attempt is not guarded: if it fails, its error is the caller's, unchanged.
    return func()
