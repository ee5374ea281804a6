"""A bounded worker pool: at most N requests worked on at once, the rest wait or are shed.

A live service takes a worker for each request it works on and gives it back when the
answer is out. The bound lives here, inside the handler, never in "not accepting
connections": a server that stops accepting overflows its listen backlog, and Linux then
drops SYNs, so callers stall for the 1 s SYN retransmit instead of seeing a clean 503.

Waiting is first come, first served and bounded (``queue_timeout``): a request that finds
every worker busy waits up to that long for one, and is shed (the service answers 503) when
none frees in time. ``queue_timeout=0`` sheds at once; ``None`` waits as long as it takes.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from dataclasses import dataclass

#: What :meth:`WorkerPool.acquire` decides for a request.
ADMITTED = "admitted"
SHED = "shed"
STOPPED = "stopped"


@dataclass(frozen=True)
class PoolStats:
    """A snapshot of a pool: the numbers a capstone timeline shows."""

    workers: int | None  #: the bound (``None``: unbounded)
    in_use: int  #: workers busy right now
    waiting: int  #: requests waiting for a worker right now
    peak: int  #: the most workers ever busy at once
    admitted: int  #: requests that got a worker
    shed: int  #: requests turned away with a 503
    longest_wait: float  #: the longest a request waited for a worker, in seconds


class _Ticket:
    __slots__ = ("granted",)

    def __init__(self) -> None:
        self.granted = False


class WorkerPool:
    """At most ``workers`` holders at once; the others queue for up to ``queue_timeout`` s."""

    def __init__(self, workers: int | None = None, queue_timeout: float | None = None) -> None:
        if workers is not None and (isinstance(workers, bool) or not isinstance(workers, int)
                                    or workers < 1):
            raise ValueError(f"workers must be a whole number of at least 1 (or None for no "
                             f"bound), got {workers!r}")
        if queue_timeout is not None and queue_timeout < 0:
            raise ValueError(f"queue_timeout must be >= 0 seconds (or None to wait as long "
                             f"as it takes), got {queue_timeout!r}")
        self.workers = workers
        self.queue_timeout = queue_timeout
        self._cond = threading.Condition()
        self._queue: deque[_Ticket] = deque()
        self._closed = False
        self._in_use = self._peak = self._admitted = self._shed = 0
        self._longest_wait = 0.0

    def acquire(self) -> tuple[str, float]:
        """Take a worker: ``(ADMITTED | SHED | STOPPED, seconds waited)``."""
        began = time.monotonic()
        with self._cond:
            if self._closed:
                return STOPPED, 0.0
            if self.workers is None or (self._in_use < self.workers and not self._queue):
                return self._take(0.0), 0.0
            if self.queue_timeout == 0:
                self._shed += 1
                return SHED, 0.0
            ticket = _Ticket()
            self._queue.append(ticket)
            deadline = None if self.queue_timeout is None else began + self.queue_timeout
            while not ticket.granted and not self._closed:
                remaining = None if deadline is None else deadline - time.monotonic()
                if remaining is not None and remaining <= 0:
                    break
                self._cond.wait(remaining)
            waited = time.monotonic() - began
            if ticket.granted:  # release() handed its worker over: in_use already counts it
                return self._take(waited, handed_over=True), waited
            self._queue.remove(ticket)
            if self._closed:
                return STOPPED, waited
            self._shed += 1
            return SHED, waited

    def release(self) -> None:
        """Give a worker back (to the longest waiting request, if any)."""
        with self._cond:
            if self._queue and not self._closed:
                self._queue.popleft().granted = True  # handed over: in_use stays the same
                self._cond.notify_all()
            else:
                self._in_use -= 1

    def close(self) -> None:
        """Stop: every waiting request gives up (``STOPPED``), and none is admitted again."""
        with self._cond:
            self._closed = True
            self._cond.notify_all()

    def reopen(self) -> None:
        with self._cond:
            self._closed = False

    @property
    def in_use(self) -> int:
        with self._cond:
            return self._in_use

    @property
    def waiting(self) -> int:
        with self._cond:
            return len(self._queue)

    def stats(self) -> PoolStats:
        with self._cond:
            return PoolStats(self.workers, self._in_use, len(self._queue), self._peak,
                             self._admitted, self._shed, self._longest_wait)

    def _take(self, waited: float, handed_over: bool = False) -> str:
        if not handed_over:
            self._in_use += 1
        self._peak = max(self._peak, self._in_use)
        self._admitted += 1
        self._longest_wait = max(self._longest_wait, waited)
        return ADMITTED


__all__ = ["ADMITTED", "PoolStats", "SHED", "STOPPED", "WorkerPool"]
