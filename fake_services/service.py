"""A flaky HTTP service whose behaviour is scripted, and which remembers every call: in process.

One behaviour model (``fake_services.behaviour``: scripts, outages, error rates, routes,
hooks, the call log), reachable two ways in process, on a ``FakeClock``:

* over HTTP with ``requests``, intercepted in-process by :class:`fake_services.FakeNetwork`
  (``requests.get(users.url + "/users/1", timeout=2)``), the realistic path;
* directly with :meth:`FakeService.get`, which skips the HTTP stack and returns the very same
  ``requests.Response`` or raises the very same ``requests`` exception. It is about a hundred
  times faster and is what volume checks (thousands of calls) use.

The same model on a real socket, in real time, is ``fake_services.LiveService``. How a reply
is chosen for each call is described in ``fake_services.behaviour``; in short, first match
wins: a fault asked for by a request header, an outage window that contains the current
clock time (``outage(10, 40)``), the next reply of the script (``script(503, 503, 200)``), a
seeded random error (``error_rate(0.1, seed=7)``), the route's handler or the default reply
(``always(...)``; healthy ``200`` unless told otherwise).
"""

from __future__ import annotations

from http.client import BadStatusLine, IncompleteRead, RemoteDisconnected
from typing import Iterable, Mapping

import requests
from requests.structures import CaseInsensitiveDict

from .behaviour import Request, ServiceBehaviour
from .calls import NOT_SERVED, Call
from .clock import FakeClock
from .replies import (BLACK_HOLE, CONNECT_TIMEOUT, CONNECTION_REFUSED, CONNECTION_RESET, DRIBBLE,
                      GARBAGE, HALF_CLOSE, READ_TIMEOUT, RESET_MID_BODY, SLOW_HEADERS, TRUNCATED,
                      Reply, ReplyLike, reason_phrase)

#: How long a caller that passed no timeout waits on a server that never answers before the
#: fake gives up for it. A real client would hang forever; the fake ends the wait so that a
#: check can report it instead of hanging.
NO_TIMEOUT_WAIT = 60.0

Timeout = float | tuple[float | None, float | None] | None


class FakeService(ServiceBehaviour):
    """A scripted, recording fake of one downstream HTTP service, in process on a fake clock.

    >>> clock = FakeClock()
    >>> users = FakeService("users", clock).script(503, 503, 200)
    >>> [users.get("/users/1").status_code for _ in range(4)]
    [503, 503, 200, 200]
    >>> users.call_count
    4
    """

    clock: FakeClock

    def __init__(self, name: str, clock: FakeClock | None = None, *,
                 default: ReplyLike = 200, paths: list[str] | tuple[str, ...] | None = None
                 ) -> None:
        super().__init__(name, clock if clock is not None else FakeClock(), default=default,
                         paths=paths)
        self.host = f"{name}.test"
        self.url = f"http://{self.host}"

    # -- serving ---------------------------------------------------------------------------

    def respond(self, method: str, path: str, timeout: Timeout = None, *,
                headers: Mapping[str, str] | None = None, body: bytes | None = b"") -> Reply:
        """Serve one call: record it, let time pass, and return the reply or raise its fault.

        Transport faults raise the exception ``requests`` raises for them, so code under test
        cannot tell the fake from a real network. ``headers`` may ask for a fault (see
        ``fake_services.behaviour``); a header delay is added to the reply's latency.
        """
        return self.serve(method, path, timeout, headers=headers, body=body)[0]

    def serve(self, method: str, path: str, timeout: Timeout = None, *,
              headers: Mapping[str, str] | None = None, body: bytes | None = b""
              ) -> tuple[Reply, Call]:
        """:meth:`respond`, also returning the call as the log recorded it."""
        connect_wait, read_wait = _split_timeout(timeout)
        request = Request.make(method, path, headers, body, self.clock())
        if not self.serves_path(request.path):
            call = self.log.add(request.time, request.method, path, NOT_SERVED)
            self._finish(call)
            return self.not_served(request.path), call
        call, request, choice, delay = self._begin(request,
                                                   lambda reply: _outcome(reply, read_wait))
        if isinstance(choice, Reply):
            reply = choice.delayed(delay)
            if delay:
                call = self.log.update(call, outcome=_outcome(reply, read_wait))
        else:
            reply, label = self._run_handler(choice, request)
            reply = reply.delayed(delay)
            outcome = _outcome(reply, read_wait)
            call = self.log.update(call, outcome=label if outcome == reply.describe() else outcome)
        try:
            return self._deliver(reply, connect_wait, read_wait), call
        finally:
            self._finish(call)

    def request(self, method: str, path: str = "/", *, timeout: Timeout = None,
                headers: Mapping[str, str] | None = None) -> requests.Response:
        """The direct transport: serve a call without the HTTP stack."""
        reply, call = self.serve(method, path, timeout, headers=headers)
        return self.build_response(reply, method, path, call.number)

    def get(self, path: str = "/", *, timeout: Timeout = None,
            headers: Mapping[str, str] | None = None) -> requests.Response:
        """``GET path`` through the direct transport."""
        return self.request("GET", path, timeout=timeout, headers=headers)

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

    def build_response(self, reply: Reply, method: str, path: str,
                       number: int | None = None) -> requests.Response:
        """Turn a reply into the ``requests.Response`` a real server would have produced."""
        status, headers, body = self.render(reply, path, number)
        response = requests.Response()
        response.status_code = status
        response.reason = reason_phrase(status)
        response.headers = CaseInsensitiveDict(headers)
        response._content = body.encode()  # how requests itself stores a read body
        response.encoding = "utf-8"
        response.url = self.url + path
        response.request = requests.Request(method.upper(), response.url).prepare()
        return response

    def __repr__(self) -> str:
        return f"FakeService({self.name!r}, calls={self.call_count})"

    # -- internals -------------------------------------------------------------------------

    def _deliver(self, reply: Reply, connect_wait: float, read_wait: float) -> Reply:
        """Let the reply's time pass on the fake clock; raise what ``requests`` would raise."""
        name, url, fault = self.name, self.url, reply.fault
        if fault == CONNECTION_REFUSED:
            raise requests.ConnectionError(f"{name}: connection refused ({url})")
        if fault == CONNECT_TIMEOUT:
            self.clock.advance(connect_wait)
            raise requests.ConnectTimeout(f"{name}: connect timed out after {connect_wait}s")
        waited = reply.latency + (reply.pause if fault == SLOW_HEADERS else 0.0)
        if fault in (READ_TIMEOUT, BLACK_HOLE) or waited > read_wait:
            self.clock.advance(read_wait)
            raise requests.ReadTimeout(f"{name}: read timed out after {read_wait}s")
        self.clock.advance(waited)
        if fault == CONNECTION_RESET:
            raise requests.ConnectionError(
                ConnectionResetError(104, f"{name}: connection reset by peer"))
        if fault == HALF_CLOSE:
            raise requests.ConnectionError(
                RemoteDisconnected(f"{name}: remote end closed connection without response"))
        if fault == GARBAGE:
            raise requests.ConnectionError(BadStatusLine("\x00\x01garbage"))
        if fault == RESET_MID_BODY:
            raise requests.exceptions.ChunkedEncodingError(
                ConnectionResetError(104, f"{name}: connection reset by peer mid-body"))
        if fault == TRUNCATED:
            raise requests.exceptions.ChunkedEncodingError(IncompleteRead(b"x" * reply.sent, 90))
        if fault == DRIBBLE:
            if reply.pause > read_wait:
                self.clock.advance(read_wait)
                raise requests.ConnectionError(f"{name}: read timed out (between body bytes)")
            self.clock.advance(reply.pause * len(self.render(reply, "/")[2].encode()))
        return reply


def _outcome(reply: Reply, read_wait: float) -> str:
    """What the call log says about a reply given the caller's read timeout."""
    if reply.fault is None and reply.latency > read_wait:
        return READ_TIMEOUT
    return reply.describe()


def _split_timeout(timeout: Timeout) -> tuple[float, float]:
    """``requests`` timeouts: one number for both, or ``(connect, read)``; ``None`` waits."""
    if isinstance(timeout, tuple):
        connect, read = timeout
    else:
        connect = read = timeout
    return (NO_TIMEOUT_WAIT if connect is None else float(connect),
            NO_TIMEOUT_WAIT if read is None else float(read))



def describe_calls(services: Iterable[ServiceBehaviour]) -> str:
    """The timelines of several services, for a failure message."""
    return "\n".join(service.timeline() for service in services)


__all__ = ["Call", "FakeService", "NO_TIMEOUT_WAIT", "describe_calls"]

