"""A flaky HTTP service whose behaviour is scripted, and which remembers every call.

One behaviour model, reachable two ways:

* over HTTP with ``requests``, intercepted in-process by :class:`fake_services.FakeNetwork`
  (``requests.get(users.url + "/users/1", timeout=2)``), the realistic path;
* directly with :meth:`FakeService.get`, which skips the HTTP stack and returns the very same
  ``requests.Response`` or raises the very same ``requests`` exception. It is about a hundred
  times faster and is what volume checks (thousands of calls) use.

How a reply is chosen for each call, first match wins:

1. an outage window that contains the current clock time (``outage(10, 40)``);
2. the next reply of the script (``script(503, 503, 200)``), consumed in order;
3. a seeded random error (``error_rate(0.1, seed=7)``);
4. the default reply (``always(...)``; healthy ``200`` unless told otherwise).
"""

from __future__ import annotations

import json as jsonlib
import random
import threading
from collections import deque
from dataclasses import dataclass
from http import HTTPStatus
from typing import Callable, Iterable

import requests
from requests.structures import CaseInsensitiveDict

from .clock import FakeClock
from .replies import (CONNECT_TIMEOUT, CONNECTION_REFUSED, CONNECTION_RESET, READ_TIMEOUT,
                      Reply, ReplyLike, as_reply, ok)

#: How long a caller that passed no timeout waits on a server that never answers before the
#: fake gives up for it. A real client would hang forever; the fake ends the wait so that a
#: check can report it instead of hanging.
NO_TIMEOUT_WAIT = 60.0

Timeout = float | tuple[float | None, float | None] | None


@dataclass(frozen=True)
class Call:
    """One request that reached a fake service."""

    number: int  #: 1 for the first call the service saw
    time: float  #: clock time when the request arrived
    method: str
    path: str
    outcome: str  #: ``"200"``, ``"503"``, ``"read timeout"``, ``"connection refused"``...

    def __str__(self) -> str:
        return f"t={self.time:8.3f}  {self.method} {self.path} -> {self.outcome}"


class FakeService:
    """A scripted, recording fake of one downstream HTTP service.

    >>> clock = FakeClock()
    >>> users = FakeService("users", clock).script(503, 503, 200)
    >>> [users.get("/users/1").status_code for _ in range(4)]
    [503, 503, 200, 200]
    >>> users.call_count
    4
    """

    def __init__(self, name: str, clock: FakeClock | None = None, *,
                 default: ReplyLike = 200) -> None:
        self.name = name
        self.clock = clock if clock is not None else FakeClock()
        self.host = f"{name}.test"
        self.url = f"http://{self.host}"
        self._lock = threading.Lock()
        self._default = as_reply(default)
        self._script: deque[Reply] = deque()
        self._outages: list[tuple[float, float, Reply]] = []
        self._error_rate = 0.0
        self._error_reply = as_reply(503)
        self._random = random.Random(0)
        self._hooks: list[Callable[[Call], None]] = []
        self._calls: list[Call] = []

    # -- behaviour -------------------------------------------------------------------------

    def script(self, *replies: ReplyLike) -> FakeService:
        """Answer the next calls with these replies, in order; then fall back to the default."""
        with self._lock:
            self._script.extend(as_reply(r) for r in replies)
        return self

    def always(self, reply: ReplyLike) -> FakeService:
        """Answer every call with ``reply`` from now on (forgets any unused script)."""
        with self._lock:
            self._default = as_reply(reply)
            self._script.clear()
        return self

    def down(self, reply: ReplyLike = 503) -> FakeService:
        """Fail every call (503 unless told otherwise)."""
        return self.always(reply)

    def healthy(self) -> FakeService:
        """Answer every call with 200."""
        return self.always(ok())

    def outage(self, start: float, end: float, reply: ReplyLike = 503) -> FakeService:
        """Fail every call whose clock time is in ``[start, end)``, whatever else is scripted."""
        if end <= start:
            raise ValueError(f"an outage must end after it starts ({start}..{end})")
        with self._lock:
            self._outages.append((start, end, as_reply(reply)))
        return self

    def error_rate(self, probability: float, *, seed: int = 0,
                   reply: ReplyLike = 503) -> FakeService:
        """Fail each call with ``probability`` (a seeded, repeatable sequence)."""
        if not 0.0 <= probability <= 1.0:
            raise ValueError(f"probability must be within 0..1, got {probability!r}")
        with self._lock:
            self._error_rate = probability
            self._error_reply = as_reply(reply)
            self._random = random.Random(seed)
        return self

    def before_reply(self, hook: Callable[[Call], None]) -> FakeService:
        """Run ``hook(call)`` after a call is recorded and before it is answered.

        The hook runs on the caller's thread and outside the service's lock, so it may block:
        this is where concurrency checks hold threads at a barrier.
        """
        with self._lock:
            self._hooks.append(hook)
        return self

    # -- serving ---------------------------------------------------------------------------

    def respond(self, method: str, path: str, timeout: Timeout = None) -> Reply:
        """Serve one call: record it, let time pass, and return the reply or raise its fault.

        Transport faults raise the exception ``requests`` raises for them, so code under test
        cannot tell the fake from a real network.
        """
        connect_wait, read_wait = _split_timeout(timeout)
        with self._lock:
            now = self.clock()
            reply = self._choose(now)
            outcome = reply.describe()
            if reply.fault is None and reply.latency > read_wait:
                outcome = READ_TIMEOUT
            call = Call(len(self._calls) + 1, now, method.upper(), path, outcome)
            self._calls.append(call)
            hooks = list(self._hooks)
        for hook in hooks:
            hook(call)
        return self._deliver(reply, outcome, connect_wait, read_wait)

    def request(self, method: str, path: str = "/", *, timeout: Timeout = None) -> requests.Response:
        """The direct transport: serve a call without the HTTP stack."""
        reply = self.respond(method, path, timeout)
        return self.build_response(reply, method, path)

    def get(self, path: str = "/", *, timeout: Timeout = None) -> requests.Response:
        """``GET path`` through the direct transport."""
        return self.request("GET", path, timeout=timeout)

    def fetch_json(self, path: str = "/", *, timeout: Timeout = 2.0,
                   session: requests.Session | None = None) -> object:
        """What a typical client does with one request: GET ``path``, raise
        ``requests.HTTPError`` on a 4xx or 5xx, and return the decoded JSON.

        Through ``session`` (a ``FakeNetwork``'s, so over HTTP) when given, else through the
        direct transport.
        """
        if session is not None:
            response = session.get(self.url + path, timeout=timeout)
        else:
            response = self.get(path, timeout=timeout)
        response.raise_for_status()
        return response.json()

    def build_response(self, reply: Reply, method: str, path: str) -> requests.Response:
        """Turn a reply into the ``requests.Response`` a real server would have produced."""
        status, headers, body = self.render(reply, path)
        response = requests.Response()
        response.status_code = status
        response.reason = _reason(status)
        response.headers = CaseInsensitiveDict(headers)
        response._content = body.encode()  # how requests itself stores a read body
        response.encoding = "utf-8"
        response.url = self.url + path
        response.request = requests.Request(method.upper(), response.url).prepare()
        return response

    def render(self, reply: Reply, path: str) -> tuple[int, dict[str, str], str]:
        """Status, headers and body text of a reply (what goes on the wire)."""
        headers = {"Content-Type": "application/json", **reply.headers}
        if reply.body is not None:
            return reply.status, headers, reply.body
        payload = reply.json
        if payload is None:
            payload = {"service": self.name, "path": path, "call": self.call_count}
        return reply.status, headers, jsonlib.dumps(payload)

    # -- the call log ----------------------------------------------------------------------

    @property
    def calls(self) -> list[Call]:
        """Every call so far, oldest first (a copy)."""
        with self._lock:
            return list(self._calls)

    @property
    def call_count(self) -> int:
        with self._lock:
            return len(self._calls)

    def outcomes(self) -> list[str]:
        """The outcome of every call so far: ``["503", "503", "200"]``."""
        return [call.outcome for call in self.calls]

    def calls_between(self, start: float, end: float) -> list[Call]:
        """Calls that arrived at a clock time in ``[start, end)``."""
        return [call for call in self.calls if start <= call.time < end]

    def timeline(self, last: int | None = 12) -> str:
        """The call log as text, one call a line (the ``last`` calls only, if given)."""
        calls = self.calls
        lines = [f"{self.name}: {call}" for call in calls]
        if last is not None and len(lines) > last:
            lines = [f"... {len(lines) - last} earlier calls"] + lines[-last:]
        return "\n".join(lines) if lines else f"{self.name}: no calls"

    def __repr__(self) -> str:
        return f"FakeService({self.name!r}, calls={self.call_count})"

    # -- internals -------------------------------------------------------------------------

    def _choose(self, now: float) -> Reply:
        for start, end, reply in self._outages:
            if start <= now < end:
                return reply
        if self._script:
            return self._script.popleft()
        if self._error_rate and self._random.random() < self._error_rate:
            return self._error_reply
        return self._default

    def _deliver(self, reply: Reply, outcome: str, connect_wait: float,
                 read_wait: float) -> Reply:
        url = self.url
        if outcome == CONNECTION_REFUSED:
            raise requests.ConnectionError(f"{self.name}: connection refused ({url})")
        if outcome == CONNECTION_RESET:
            raise requests.ConnectionError(
                ConnectionResetError(104, f"{self.name}: connection reset by peer"))
        if outcome == CONNECT_TIMEOUT:
            self.clock.advance(connect_wait)
            raise requests.ConnectTimeout(f"{self.name}: connect timed out after {connect_wait}s")
        if outcome == READ_TIMEOUT:
            self.clock.advance(read_wait)
            raise requests.ReadTimeout(f"{self.name}: read timed out after {read_wait}s")
        if reply.latency:
            self.clock.advance(reply.latency)
        return reply


def _split_timeout(timeout: Timeout) -> tuple[float, float]:
    """``requests`` timeouts: one number for both, or ``(connect, read)``; ``None`` waits."""
    if isinstance(timeout, tuple):
        connect, read = timeout
    else:
        connect = read = timeout
    return (NO_TIMEOUT_WAIT if connect is None else float(connect),
            NO_TIMEOUT_WAIT if read is None else float(read))


def _reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""


def describe_calls(services: Iterable[FakeService]) -> str:
    """The timelines of several services, for a failure message."""
    return "\n".join(service.timeline() for service in services)


__all__ = ["Call", "FakeService", "NO_TIMEOUT_WAIT", "describe_calls"]

