"""Clocks for the fake services: a fake one that moves only when told, and a real one.

Every retry and breaker in the kata takes its time from an injected ``clock`` callable and
waits through an injected ``sleep``. Handing them a :class:`FakeClock` turns a 30-second
recovery timeout into microseconds and makes every check repeatable.

Where real time is the point (the live services of lessons 12 and 13), a :class:`RealClock`
has the same face: seconds since it started, a ``sleep`` that records what was asked, and
matching HTTP dates. Live services that share one ``RealClock`` share one time line.
"""

from __future__ import annotations

import threading
import time
from email.utils import format_datetime
from datetime import datetime, timezone

#: Wall-clock time (seconds since the epoch) that ``FakeClock.wall()`` reports at ``now == 0``.
DEFAULT_WALL_START = 1_700_000_000.0


class FakeClock:
    """Monotonic seconds that advance only through :meth:`advance` and :meth:`sleep`.

    A ``FakeClock`` is callable, so it can be passed wherever ``time.monotonic`` is expected::

        clock = FakeClock()
        breaker = CircuitBreaker(clock=clock)
        clock.advance(30.0)

    ``sleep`` advances the clock instead of waiting and records every requested delay in
    :attr:`sleeps`, so a test can assert the exact backoff schedule. ``wall`` gives a matching
    wall-clock time (for HTTP dates such as ``Retry-After``). It is safe to use from many threads.
    """

    def __init__(self, start: float = 0.0, *, wall_start: float = DEFAULT_WALL_START) -> None:
        self._now = float(start)
        self._wall_offset = wall_start - float(start)
        self._lock = threading.Lock()
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def monotonic(self) -> float:
        """The current time in seconds; the same as calling the clock."""
        return self.now

    @property
    def now(self) -> float:
        with self._lock:
            return self._now

    def advance(self, seconds: float) -> float:
        """Move time forward by ``seconds`` (never backwards) and return the new time."""
        if seconds < 0:
            raise ValueError(f"a monotonic clock cannot go back (advance({seconds!r}))")
        with self._lock:
            self._now += seconds
            return self._now

    def sleep(self, seconds: float) -> None:
        """Record the requested delay and advance the clock by it. Returns at once."""
        if seconds < 0:
            raise ValueError(f"sleep length must be non-negative, got {seconds!r}")
        with self._lock:
            self.sleeps.append(seconds)
            self._now += seconds

    def wall(self) -> float:
        """Seconds since the epoch that correspond to the current fake time."""
        with self._lock:
            return self._now + self._wall_offset

    def http_date(self, seconds_from_now: float = 0.0) -> str:
        """An RFC 9110 HTTP-date (as in ``Retry-After``) ``seconds_from_now`` after the fake now."""
        moment = datetime.fromtimestamp(self.wall() + seconds_from_now, tz=timezone.utc)
        return format_datetime(moment, usegmt=True)

    def __repr__(self) -> str:
        return f"FakeClock(now={self.now:.3f})"


class RealClock:
    """Real monotonic seconds since the clock was made (or :meth:`restart` ed).

    Callable like ``time.monotonic``; ``sleep`` really waits and records every requested
    delay in :attr:`sleeps` (a harness-owned sleep, so graded code may be handed it). Safe to
    use from many threads.
    """

    def __init__(self) -> None:
        self._origin = time.monotonic()
        self._wall_origin = time.time()
        self._lock = threading.Lock()
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return time.monotonic() - self._origin

    def monotonic(self) -> float:
        """Seconds since the start; the same as calling the clock."""
        return self()

    @property
    def now(self) -> float:
        return self()

    def restart(self) -> None:
        """Make *now* second 0 again."""
        self._origin = time.monotonic()
        self._wall_origin = time.time()

    def sleep(self, seconds: float) -> None:
        """Record the requested delay and wait it out for real."""
        if seconds < 0:
            raise ValueError(f"sleep length must be non-negative, got {seconds!r}")
        with self._lock:
            self.sleeps.append(seconds)
        time.sleep(seconds)

    def wall(self) -> float:
        """Seconds since the epoch now (measured from the start, so it never jumps)."""
        return self._wall_origin + self()

    def http_date(self, seconds_from_now: float = 0.0) -> str:
        """An RFC 9110 HTTP-date (as in ``Retry-After``) ``seconds_from_now`` after now."""
        moment = datetime.fromtimestamp(self.wall() + seconds_from_now, tz=timezone.utc)
        return format_datetime(moment, usegmt=True)

    def __repr__(self) -> str:
        return f"RealClock(now={self():.3f})"
