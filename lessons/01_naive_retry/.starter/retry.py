"""Lesson 1: naive retry.

Write `retry`: call a function until it succeeds, at most `attempts` times. The rules are in
this lesson's README.md; `make check LESSON=1` grades your work.
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
    - ``KeyboardInterrupt``, ``SystemExit`` and anything else that is not an ``Exception`` are not
      failures to retry: they propagate at once.
    """
    # TODO: replace this line with your loop.
    raise NotImplementedError("retry")
