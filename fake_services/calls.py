"""The call log of a fake service: every request it saw, and what happened to it.

Both transports record into one :class:`CallLog`, so a check reads them the same way
(``calls``, ``outcomes()``, ``calls_between()``, ``timeline()``). A live service adds what only
real time knows: how long each call took, how many were being worked on at once, how long
one waited for a worker, and when a client went away before its answer was complete
(recorded as an :class:`Event` rather than a ``BrokenPipeError`` traceback).

:func:`buckets` cuts a log into fixed slices of time (100 ms for the capstone's timeline):
arrivals, answers, sheds and the peak number of workers in use in each slice.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, replace
from typing import Iterable

#: The outcome of a call a live service is still working on.
IN_PROGRESS = "in progress"
#: The outcome of a call a live service turned away because every worker was busy.
SHED = "503 shed"
#: The outcome of a request for a path the service does not serve.
NOT_SERVED = "404 not served"


@dataclass(frozen=True)
class Call:
    """One request that reached a fake service.

    The first five fields are known for every call. The others are filled by a live service
    only (``None`` in process): real durations, the work in progress, waiting for a worker.
    """

    number: int  #: 1 for the first call the service saw
    time: float  #: clock time when the request arrived (seconds since the start, when live)
    method: str
    path: str
    outcome: str  #: ``"200"``, ``"503"``, ``"503 shed"``, ``"read timeout"``, ``"dribble"``...
    duration: float | None = None  #: seconds from arrival to the last byte sent (live)
    in_flight: int | None = None  #: requests being worked on once this one started, itself included
    queue_wait: float | None = None  #: seconds spent waiting for a free worker (live)
    client_left: float | None = None  #: clock time the client went away mid-answer, if it did
    done: bool = True  #: the service has finished with the call (a live one may still be on it)

    @property
    def shed(self) -> bool:
        """Turned away with a 503 because every worker was busy."""
        return self.outcome == SHED

    @property
    def answered(self) -> bool:
        """A complete HTTP response went out and the client was still there for it."""
        return (self.done and self.outcome[:3].isdigit() and self.client_left is None
                and "cut short" not in self.outcome)

    @property
    def ok(self) -> bool:
        """Answered with a 2xx."""
        return self.answered and self.outcome.startswith("2")

    @property
    def end(self) -> float | None:
        """Clock time the service finished with the call (live; ``None`` until then)."""
        return None if self.duration is None else self.time + self.duration

    def __str__(self) -> str:
        line = f"t={self.time:8.3f}  {self.method} {self.path} -> {self.outcome}"
        details = []
        if self.duration is not None:
            details.append(f"{self.duration * 1000:.0f} ms")
        if self.queue_wait:
            details.append(f"waited {self.queue_wait * 1000:.0f} ms for a worker")
        if self.in_flight is not None:
            details.append(f"{self.in_flight} in flight")
        if self.client_left is not None:
            details.append(f"client went away at t={self.client_left:.3f}")
        return line + (f"  ({', '.join(details)})" if details else "")


@dataclass(frozen=True)
class Event:
    """Something that happened to a service besides a call: ``client went away``..."""

    time: float
    text: str
    call: int | None = None  #: the number of the call it concerns, if any

    def __str__(self) -> str:
        return f"t={self.time:8.3f}  {self.text}"


class CallLog:
    """A thread-safe, append-only log of calls (numbered from 1) and events."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._calls: list[Call] = []
        self._events: list[Event] = []
        self._pending = 0

    def add(self, time: float, method: str, path: str, outcome: str, **live: object) -> Call:
        """Record a new call and return it (numbered in the order calls are added)."""
        with self._lock:
            call = Call(len(self._calls) + 1, time, method.upper(), path, outcome, **live)
            self._calls.append(call)
            self._pending += not call.done
            return call

    def update(self, call: Call, **changes: object) -> Call:
        """Replace what is known about ``call`` (its outcome, duration...) and return it."""
        with self._lock:
            before = self._calls[call.number - 1]
            updated = replace(before, **changes)
            self._calls[call.number - 1] = updated
            self._pending += (not updated.done) - (not before.done)
            return updated

    def event(self, time: float, text: str, call: int | None = None) -> Event:
        with self._lock:
            event = Event(time, text, call)
            self._events.append(event)
            return event

    @property
    def calls(self) -> list[Call]:
        """Every call so far, oldest first (a copy)."""
        with self._lock:
            return list(self._calls)

    @property
    def events(self) -> list[Event]:
        with self._lock:
            return list(self._events)

    @property
    def pending(self) -> int:
        """Calls the service has not finished with yet."""
        with self._lock:
            return self._pending

    def __len__(self) -> int:
        with self._lock:
            return len(self._calls)

    def timeline(self, name: str, last: int | None = 12) -> str:
        """Calls and events as text, one a line in time order (the ``last`` ones, if given)."""
        calls, events = self.calls, self.events
        entries = sorted([(c.time, 0, c.number, str(c)) for c in calls]
                         + [(e.time, 1, i, str(e)) for i, e in enumerate(events)])
        lines = [f"{name}: {text}" for _, _, _, text in entries]
        if last is not None and len(lines) > last:
            lines = [f"... {len(lines) - last} earlier entries"] + lines[-last:]
        return "\n".join(lines) if lines else f"{name}: no calls"


@dataclass(frozen=True)
class Bucket:
    """What a service saw in one slice of time ``[start, end)``."""

    start: float
    end: float
    arrived: int  #: calls that arrived in the slice (shed ones included)
    shed: int  #: of those, turned away because every worker was busy
    ok: int  #: calls finished in the slice with a 2xx the client received
    failed: int  #: calls finished in the slice any other way (errors, faults, client gone)
    busy: int  #: the most workers in use at once during the slice

    def __str__(self) -> str:
        return (f"{self.start:6.2f}s  arrived {self.arrived:3}  ok {self.ok:3}  "
                f"failed {self.failed:3}  shed {self.shed:3}  busy {self.busy:3}")


def buckets(calls: Iterable[Call], width: float = 0.1, *, start: float = 0.0,
            end: float | None = None) -> list[Bucket]:
    """Cut a live call log into slices of ``width`` seconds from ``start`` to ``end``.

    ``end`` defaults to the latest arrival or finish in the log. A call still in progress
    counts as busy until ``end``.
    """
    if width <= 0:
        raise ValueError(f"a bucket width must be positive, got {width!r}")
    calls = list(calls)
    moments = [c.time for c in calls] + [c.end for c in calls if c.end is not None]
    if end is None:
        end = max(moments, default=start)
    count = max(1, int((end - start) / width + 0.999999))
    slices = [[0, 0, 0, 0] for _ in range(count)]  # arrived, shed, ok, failed

    def index(moment: float) -> int | None:
        i = int((moment - start) // width)
        return i if 0 <= i < count else None

    changes: list[tuple[float, int]] = []  # (time, +1 a worker taken / -1 released)
    for call in calls:
        arrived = index(call.time)
        if arrived is not None:
            slices[arrived][0] += 1
            slices[arrived][1] += call.shed
        if call.done and call.end is not None:
            finished = index(call.end)
            if finished is not None and not call.shed:
                slices[finished][2 if call.ok else 3] += 1
        if not call.shed and call.outcome != NOT_SERVED:
            began = call.time + (call.queue_wait or 0.0)
            changes.append((began, 1))
            changes.append((call.end if call.end is not None else end, -1))
    changes.sort(key=lambda item: (item[0], item[1]))  # a release before a take at one moment
    busy, level, j = [], 0, 0
    for i in range(count):
        low, high = start + i * width, start + (i + 1) * width
        while j < len(changes) and changes[j][0] < low:
            level += changes[j][1]
            j += 1
        peak = level
        while j < len(changes) and changes[j][0] < high:
            level += changes[j][1]
            peak = max(peak, level)
            j += 1
        busy.append(peak)
    return [Bucket(start + i * width, start + (i + 1) * width, *slices[i], busy[i])
            for i in range(count)]


__all__ = ["Bucket", "Call", "CallLog", "Event", "IN_PROGRESS", "NOT_SERVED", "SHED", "buckets"]
