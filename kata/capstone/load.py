"""An open-loop load generator: requests start on a fixed schedule, whatever the answers do.

A closed-loop generator (N users, each waiting for its answer before sending the next)
slows down exactly when the service does, and so hides an overload: the queue never
grows because the users stop arriving. Real users do not wait for each other, so this one
keeps the schedule. Each request starts at its planned moment on a thread of a bounded pool
(a thread per request in flight, never more than ``threads``), waits at most ``patience``
seconds for its answer and is recorded with what it got.

The schedule is bounded in count and in time, so a run is too: it ends at most
``patience`` seconds (plus a little) after the last planned start.
"""

from __future__ import annotations

import random
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Callable

import requests
from requests.adapters import HTTPAdapter

#: How late a request may start against its plan before the run notes that the machine is
#: too busy to keep the schedule (seconds).
LATE = 0.05


@dataclass(frozen=True)
class Planned:
    """One request of the schedule."""

    number: int  #: 1 for the first
    at: float  #: seconds after the start of the load
    path: str  #: e.g. ``/orders``


@dataclass(frozen=True)
class Answer:
    """What one request of the schedule got."""

    number: int
    path: str
    planned: float  #: when it was planned to start (clock seconds)
    started: float  #: when it did start
    finished: float  #: when the answer (or the failure) came
    status: int | None  #: the HTTP status, ``None`` when no answer came
    body: Any = None  #: the decoded JSON body, if there was one
    error: str = ""  #: why there is no answer: "gave up after 0.8 s", "ConnectionError"...

    @property
    def latency(self) -> float:
        return self.finished - self.started

    @property
    def late(self) -> float:
        """How much later than planned it started (the load generator's own lag)."""
        return self.started - self.planned


def even_schedule(rate: float, duration: float, mix: dict[str, float], *,
                  seed: int = 0) -> list[Planned]:
    """``rate`` requests per second for ``duration`` seconds, evenly spaced; each one's path
    drawn from ``mix`` (path -> share) by a seeded random source, so every run offers the
    very same schedule."""
    if rate <= 0 or duration <= 0:
        raise ValueError(f"rate and duration must be above 0, got {rate!r} and {duration!r}")
    draw = random.Random(seed)
    paths, weights = list(mix), list(mix.values())
    count = round(rate * duration)
    return [Planned(i + 1, i / rate, draw.choices(paths, weights)[0]) for i in range(count)]


class LoadGenerator:
    """Offer ``schedule`` to ``base_url`` on ``clock`` (seconds), open loop.

    ``patience`` is how long each request waits for its answer (connect and read). A plan
    that finds every thread busy waits for one: size ``threads`` above rate x patience.
    """

    def __init__(self, base_url: str, schedule: list[Planned], *, clock: Callable[[], float],
                 patience: float, threads: int = 32) -> None:
        self.base_url = base_url
        self.schedule = sorted(schedule, key=lambda planned: planned.at)
        self.clock = clock
        self.patience = patience
        self.threads = threads
        self._local = threading.local()
        self._sessions: list[requests.Session] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self.answers: list[Answer] = []

    def run(self, ready: Callable[[], None] | None = None) -> list[Answer]:
        """Offer the whole schedule, wait for every answer (bounded), return them in order.

        Every thread of the pool is started first (a thread started on demand, on a busy
        machine, starts its request late); then ``ready()`` is called (the scene starts its
        clock there) and the schedule begins.
        """
        try:
            with ThreadPoolExecutor(self.threads, thread_name_prefix="load") as pool:
                started = threading.Barrier(self.threads + 1, timeout=5.0)
                for _ in range(self.threads):
                    pool.submit(started.wait)
                started.wait()
                if ready is not None:
                    ready()
                for planned in self.schedule:
                    wait = planned.at - self.clock()
                    if wait > 0 and self._stop.wait(wait):
                        break
                    pool.submit(self._one, planned)
        finally:
            for session in self._sessions:
                session.close()
        return sorted(self.answers, key=lambda answer: answer.number)

    def stop(self) -> None:
        """Start no more requests (those in flight end within ``patience``)."""
        self._stop.set()

    def _session(self) -> requests.Session:
        session = getattr(self._local, "session", None)
        if session is None:
            session = requests.Session()
            session.trust_env = False  # never a proxy from the environment: this is loopback
            session.mount("http://", HTTPAdapter(pool_connections=1, pool_maxsize=1,
                                                 max_retries=0))
            self._local.session = session
            with self._lock:
                self._sessions.append(session)
        return session

    def _one(self, planned: Planned) -> None:
        started = self.clock()
        status, body, problem = None, None, ""
        try:
            response = self._session().get(f"{self.base_url}{planned.path}?request="
                                           f"{planned.number}",
                                           timeout=(self.patience, self.patience))
            status = response.status_code
            try:
                body = response.json()
            except ValueError:
                body = None
        except requests.Timeout:
            problem = f"gave up after {self.patience:g} s"
        except requests.RequestException as error:
            problem = type(error).__name__
        answer = Answer(planned.number, planned.path, planned.at, started, self.clock(),
                        status, body, problem)
        with self._lock:
            self.answers.append(answer)


def describe(answer: Answer) -> str:
    """One line for a timeline: ``t=0.850 GET /orders -> 200 fallback (12 ms)``."""
    what = str(answer.status) if answer.status is not None else answer.error
    if isinstance(answer.body, dict) and answer.body.get("source"):
        what += f" {answer.body['source']}"
    return (f"t={answer.started:6.3f}  {answer.path} #{answer.number} -> {what} "
            f"({answer.latency * 1000:.0f} ms)")


__all__ = ["Answer", "LATE", "LoadGenerator", "Planned", "describe", "even_schedule"]
