"""Lesson 15's fixtures: the libraries' own sources of time and chance, tied to each check.

Neither library takes every source the kata would inject:

* pybreaker reads the wall clock itself, ``datetime.now(UTC)`` in ``pybreaker/__init__.py``
  (1.4.1), and has no ``clock`` argument. ``wall`` replaces the ``datetime`` that module
  imported with one whose ``now()`` is the check's fake wall clock (which a check may also
  make jump, as NTP would).
* tenacity draws its jitter from the ``random`` module that ``tenacity/wait.py`` imported
  (``random.uniform`` in ``wait_random_exponential``). ``jitter`` replaces it with scripted
  draws.
* tenacity sleeps with ``time.sleep`` (``tenacity/nap.py``) unless it is given ``sleep``.
  That sleep is made to raise on any wait longer than 0, so a configuration that forgot
  ``sleep=`` fails at once instead of sleeping for real.

The learner's code never patches anything: these fixtures do, for every check of the lesson.
"""

from __future__ import annotations

import random
from datetime import datetime, tzinfo
from types import SimpleNamespace
from typing import Callable, Iterator

import pybreaker
import pytest
import tenacity.nap
import tenacity.wait

from fake_services import FakeClock
from harness.guards import RealSleepError


class WallClock:
    """The wall clock pybreaker reads: the fake clock's wall time, plus any jump a check made.

    Callable (seconds since the epoch), so it can also be handed to the learner's
    ``OpenTimer(clock=...)``: the timer then reads the very clock pybreaker judges by.
    """

    def __init__(self, clock: FakeClock) -> None:
        self._clock = clock
        self._jumped = 0.0

    def __call__(self) -> float:
        return self._clock.wall() + self._jumped

    def jump(self, seconds: float) -> None:
        """Set the system clock ``seconds`` forward (or back, if negative), as NTP might."""
        self._jumped += seconds


def _datetime_reading(wall: Callable[[], float]) -> type[datetime]:
    class WallDatetime(datetime):
        """``datetime`` whose ``now()`` is the check's wall clock."""

        @classmethod
        def now(cls, tz: tzinfo | None = None) -> datetime:  # type: ignore[override]
            return datetime.fromtimestamp(wall(), tz)

    return WallDatetime


class ScriptedRandom:
    """Stands in for the ``random`` module inside ``tenacity.wait``.

    Every draw (``random()``, and ``uniform(a, b)`` as ``a + draw * (b - a)``) comes from a
    script: a constant 0.5 unless the check says otherwise.
    """

    def __init__(self) -> None:
        self._next: Callable[[], float] = lambda: 0.5
        self.draws = 0

    def always(self, value: float) -> None:
        self._next = lambda: value

    def script(self, *values: float) -> None:
        """Draw ``values`` in order, then keep repeating the last one."""
        remaining = list(values)
        self._next = lambda: remaining.pop(0) if len(remaining) > 1 else remaining[0]

    def seed(self, seed: int) -> None:
        self._next = random.Random(seed).random

    def random(self) -> float:
        self.draws += 1
        return self._next()

    def uniform(self, a: float, b: float) -> float:
        return a + (b - a) * self.random()


def _no_real_sleep(seconds: float) -> None:
    if not seconds:
        return  # a 0-second wait waits for nothing, as the harness's own guard allows
    raise RealSleepError(
        f"tenacity called time.sleep({seconds!r}) for real: make_retrying must hand its "
        f"`sleep` argument to tenacity (Retrying(sleep=...)), so the checks run on fake time")


@pytest.fixture(autouse=True)
def wall(clock: FakeClock, monkeypatch: pytest.MonkeyPatch) -> Iterator[WallClock]:
    """pybreaker's wall clock, tied to the check's fake clock."""
    if not isinstance(getattr(pybreaker, "datetime", None), type):
        raise RuntimeError("pybreaker no longer reads datetime.now(): this lesson's checks "
                           "were written for pybreaker 1.4.1 (see requirements.txt)")
    reading = WallClock(clock)
    monkeypatch.setattr(pybreaker, "datetime", _datetime_reading(reading))
    yield reading


@pytest.fixture(autouse=True)
def jitter(monkeypatch: pytest.MonkeyPatch) -> ScriptedRandom:
    """tenacity's random draws, scripted; and tenacity's own sleep, forbidden."""
    scripted = ScriptedRandom()
    monkeypatch.setattr(tenacity.wait, "random", scripted)
    monkeypatch.setattr(tenacity.nap, "time", SimpleNamespace(sleep=_no_real_sleep))
    return scripted
