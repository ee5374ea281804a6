"""Lesson 3 checks, lesson 2's part: the budget is the only thing that changed.

Lesson 3's ``retry`` is lesson 2's with a ``budget`` parameter, and its README says "keep
everything else as it is". So lesson 2's own checks run again here, against this lesson's
module: once with ``budget=None``, once with a budget so ample that it always allows a retry
(a fresh one for every call). Either way every wait, every call and every outcome must be
exactly lesson 2's.
"""

from __future__ import annotations

import inspect
from contextlib import nullcontext
from pathlib import Path
from types import ModuleType
from typing import Any, Callable

from fake_services import FakeClock, FakeNetwork
from harness import CheckFailed, loader

#: Lesson 2's checks of what ``is_transient`` says: they do not involve ``retry``.
_CLASSIFICATION = ("test_classifies_transient_failures", "test_classifies_permanent_failures")
#: Lesson 2's demonstration that jitter pays (its rules are the exact-wait checks': run those).
_DEMONSTRATION = ("test_full_jitter_beats_no_jitter_under_contention",)


def _lesson2_checks() -> ModuleType:
    """Lesson 2's check file, whose checks this one runs again against lesson 3's retry."""
    return loader.check_module(Path(__file__).parents[1] / "02_backoff_jitter" / "test_backoff.py")


class _AmpleBudget:
    """The module under grading, whose ``retry`` gets a budget that always allows a retry."""

    def __init__(self, impl: Any) -> None:
        self._impl = impl

    def __getattr__(self, name: str) -> Any:
        return getattr(self._impl, name)

    def retry(self, func: Callable[[], Any], *args: Any, **settings: Any) -> Any:
        settings.setdefault("budget", self._impl.RetryBudget(max_tokens=1_000_000,
                                                             token_ratio=1))
        return self._impl.retry(func, *args, **settings)


def _run_lesson2(impl: Any, how: str, *, skip: tuple[str, ...] = ()) -> None:
    """Every lesson 2 check against ``impl``; the first failure, told as lesson 2 told it."""
    checks = _lesson2_checks()
    for name, check in vars(checks).items():
        if not name.startswith("test_") or name in skip or not inspect.isfunction(check):
            continue
        wanted = inspect.signature(check).parameters
        clock = FakeClock()
        with FakeNetwork(clock) if "network" in wanted else nullcontext() as network:
            fixtures = {"impl": impl, "clock": clock, "network": network}
            try:
                check(**{key: fixtures[key] for key in wanted})
            except CheckFailed as failure:
                title = (check.__doc__ or name).strip().splitlines()[0]
                raise CheckFailed(f"{how}; lesson 2's check \"{title}\": {failure.scenario}",
                                  failure.expected, failure.observed,
                                  failure.timeline) from None


def test_retry_keeps_every_rule_of_lesson_2(impl):
    """Keeps every rule of lesson 2, with budget=None and with a budget that always allows"""
    _run_lesson2(impl, "retry(..., budget=None)", skip=_DEMONSTRATION)
    _run_lesson2(_AmpleBudget(impl), "retry(..., budget=RetryBudget(max_tokens=1_000_000, "
                                     "token_ratio=1)), a fresh one per call",
                 skip=_CLASSIFICATION + _DEMONSTRATION)
