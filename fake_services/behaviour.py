"""The behaviour model every fake service shares, whichever transport carries its requests.

A :class:`ServiceBehaviour` decides what each request gets and records it in a
:class:`~fake_services.calls.CallLog`. ``FakeService`` (in process, on a fake clock) and
``LiveService`` (a real HTTP server on 127.0.0.1, in real time) are the two transports; they
differ only in how a reply reaches the caller.

How a reply is chosen for each request, first match wins:

0. the path: a service serves every path, unless it was given ``paths`` or routes; then
   any other path gets a 404 that says what it serves;
1. a fault asked for in the request's own headers (see below);
2. an outage window that contains the current clock time (``outage(10, 40)``);
3. the next reply of the script (``script(503, 503, 200)``), consumed in order;
4. a seeded random error (``error_rate(0.1, seed=7)``);
5. the route's handler for the path (``route("/orders", handler)``), which computes the
   reply (and may call other services to do it); else the default reply (``always(...)``;
   healthy ``200`` unless told otherwise).

Faults per request, by header (in the manner of Envoy's fault filter):

* ``x-envoy-fault-abort-request: 503``: answer with that status (Envoy's header);
* ``x-envoy-fault-delay-request: 250``: wait that many milliseconds first (Envoy's header);
* ``x-fake-fault: dribble:0.05``: any reply in its text form (``parse_reply``): a status or a
  fault such as ``reset``, ``half-close``, ``truncate``, ``garbage``, ``slow-headers:2``,
  ``black-hole``. Envoy has no such header; it cannot make socket faults at all.

A header fault never consumes the script. A header value that is not a reply is answered
with 400 and the accepted forms.
"""

from __future__ import annotations

import json as jsonlib
import random
import threading
from collections import deque
from dataclasses import dataclass, field, replace
from typing import Any, Callable, Mapping, Self
from urllib.parse import parse_qsl, urlsplit

from requests.structures import CaseInsensitiveDict

from .calls import IN_PROGRESS, Call, CallLog, Event
from .replies import SPEC_HELP, Reply, ReplyLike, as_reply, error, ok, parse_reply

#: The request headers that ask for a fault (see the module docstring).
ABORT_HEADER = "x-envoy-fault-abort-request"
DELAY_HEADER = "x-envoy-fault-delay-request"
FAULT_HEADER = "x-fake-fault"


@dataclass(frozen=True)
class Request:
    """One request as a route handler sees it."""

    method: str  #: ``"GET"``
    path: str  #: without the query: ``"/orders/7"``
    target: str  #: as sent, with the query: ``"/orders/7?fields=id"`` (what the call log shows)
    query: dict[str, str] = field(default_factory=dict)
    headers: Mapping[str, str] = field(default_factory=dict)  #: case-insensitive
    body: bytes = b""
    time: float = 0.0  #: clock time the request arrived
    number: int = 0  #: the number of its call in the log (set when it is recorded)

    @classmethod
    def make(cls, method: str, target: str, headers: Mapping[str, str] | None = None,
             body: bytes | None = b"", time: float = 0.0) -> Request:
        if "?" in target or "#" in target:
            parts = urlsplit(target)
            path, query = parts.path or "/", dict(parse_qsl(parts.query))
        else:
            path, query = target or "/", {}
        return cls(method.upper(), path, target, query,
                   CaseInsensitiveDict(headers or ()), body or b"", time)

    def json(self) -> Any:
        """The body decoded as JSON."""
        return jsonlib.loads(self.body or b"null")


#: A route's handler: gets the request, returns the reply (a ``Reply`` or a status code).
Handler = Callable[[Request], ReplyLike]


class BadFaultHeader(ValueError):
    """A fault header whose value is not a reply."""


class ServiceBehaviour:
    """Scripts, outages, error rates, routes, hooks and the call log of one fake service.

    Subclasses are transports (``FakeService``, ``LiveService``); every scripting method
    returns the service, so calls chain: ``svc.script(503, 503).outage(10, 40)``.
    """

    def __init__(self, name: str, clock: Callable[[], float], *, default: ReplyLike = 200,
                 paths: list[str] | tuple[str, ...] | None = None) -> None:
        self.name = name
        self.clock = clock
        self.log = CallLog()
        self._lock = threading.Lock()
        self._default = self._validate(as_reply(default))
        self._script: deque[Reply] = deque()
        self._outages: list[tuple[float, float, Reply]] = []
        self._error_rate = 0.0
        self._error_reply = as_reply(503)
        self._random = random.Random(0)
        self._before: list[Callable[[Call], None]] = []
        self._after: list[Callable[[Call], None]] = []
        self._routes: dict[str, Handler | None] = {}
        for path in paths or ():
            self._routes[_prefix(path)] = None

    # -- behaviour -------------------------------------------------------------------------

    def script(self, *replies: ReplyLike) -> Self:
        """Answer the next calls with these replies, in order; then fall back to the default."""
        checked = [self._validate(as_reply(r)) for r in replies]
        with self._lock:
            self._script.extend(checked)
        return self

    def always(self, reply: ReplyLike) -> Self:
        """Answer every call with ``reply`` from now on (forgets any unused script)."""
        checked = self._validate(as_reply(reply))
        with self._lock:
            self._default = checked
            self._script.clear()
        return self

    def down(self, reply: ReplyLike = 503) -> Self:
        """Fail every call (503 unless told otherwise)."""
        return self.always(reply)

    def healthy(self) -> Self:
        """Answer every call with 200."""
        return self.always(ok())

    def outage(self, start: float, end: float, reply: ReplyLike = 503) -> Self:
        """Fail every call whose clock time is in ``[start, end)``, whatever else is scripted."""
        if end <= start:
            raise ValueError(f"an outage must end after it starts ({start}..{end})")
        checked = self._validate(as_reply(reply))
        with self._lock:
            self._outages.append((start, end, checked))
        return self

    def error_rate(self, probability: float, *, seed: int = 0,
                   reply: ReplyLike = 503) -> Self:
        """Fail each call with ``probability`` (a seeded, repeatable sequence)."""
        if not 0.0 <= probability <= 1.0:
            raise ValueError(f"probability must be within 0..1, got {probability!r}")
        checked = self._validate(as_reply(reply))
        with self._lock:
            self._error_rate = probability
            self._error_reply = checked
            self._random = random.Random(seed)
        return self

    def route(self, path: str, handler: Handler | None = None) -> Self:
        """Serve ``path`` (and the paths below it) with ``handler(request) -> reply``.

        The handler runs on the request's own thread, outside the service's lock, so it may
        take its time or call other services. Outages, scripts and error rates still come
        first; the handler stands in for the default reply. Without a handler the path gets
        the default reply. Once a service has routes, other paths get a 404. A handler that
        raises is answered with a 500 naming the exception.
        """
        with self._lock:
            self._routes[_prefix(path)] = handler
        return self

    def before_reply(self, hook: Callable[[Call], None]) -> Self:
        """Run ``hook(call)`` after a call is recorded and before it is answered.

        The hook runs on the caller's thread (a live service: the request's worker) and
        outside the service's lock, so it may block: this is where concurrency checks hold
        threads at a barrier.
        """
        with self._lock:
            self._before.append(hook)
        return self

    def after_reply(self, hook: Callable[[Call], None]) -> Self:
        """Run ``hook(call)`` once a call is over, with everything the log knows about it."""
        with self._lock:
            self._after.append(hook)
        return self

    # -- what is served --------------------------------------------------------------------

    @property
    def serves(self) -> list[str]:
        """The path prefixes this service answers (``["/"]``: every path)."""
        with self._lock:
            return sorted(self._routes) or ["/"]

    def serves_path(self, path: str) -> bool:
        with self._lock:
            return not self._routes or _match(self._routes, path) is not None

    def not_served(self, path: str) -> Reply:
        """The 404 for a path this service does not serve, saying what it does serve."""
        served = self.serves
        shown = ", ".join(f"{p} (and below)" if p != "/" else p for p in served)
        return error(404, json={"error": 404, "service": self.name, "serves": served,
                                "message": f"{self.name} does not serve {path}; it serves "
                                           f"{shown}"})

    # -- the call log ----------------------------------------------------------------------

    @property
    def calls(self) -> list[Call]:
        """Every call so far, oldest first (a copy)."""
        return self.log.calls

    @property
    def call_count(self) -> int:
        return len(self.log)

    @property
    def events(self) -> list[Event]:
        """What happened besides calls: clients that went away, handlers that raised..."""
        return self.log.events

    def outcomes(self) -> list[str]:
        """The outcome of every call so far: ``["503", "503", "200"]``."""
        return [call.outcome for call in self.calls]

    def calls_between(self, start: float, end: float) -> list[Call]:
        """Calls that arrived at a clock time in ``[start, end)``."""
        return [call for call in self.calls if start <= call.time < end]

    def timeline(self, last: int | None = 12) -> str:
        """The call log as text, one call (or event) a line; the ``last`` ones, if given."""
        return self.log.timeline(self.name, last)

    # -- for transports --------------------------------------------------------------------

    def render(self, reply: Reply, path: str, number: int | None = None
               ) -> tuple[int, dict[str, str], str]:
        """Status, headers and body text of a reply (what goes on the wire)."""
        headers = {"Content-Type": "application/json", **reply.headers}
        if reply.body is not None:
            return reply.status, headers, reply.body
        payload = reply.json
        if payload is None:
            payload = {"service": self.name, "path": path,
                       "call": self.call_count if number is None else number}
        return reply.status, headers, jsonlib.dumps(payload)

    def _validate(self, reply: Reply) -> Reply:
        """A transport refuses replies it cannot produce (by raising ``ValueError``)."""
        return reply

    def _header_fault(self, request: Request) -> tuple[Reply | None, float]:
        """The reply and the delay (seconds) that the request's headers ask for."""
        headers = request.headers
        reply = None
        delay = 0.0
        if not headers:
            return reply, delay
        try:
            if FAULT_HEADER in headers:
                reply = self._validate(parse_reply(headers[FAULT_HEADER]))
            elif ABORT_HEADER in headers:
                status = int(headers[ABORT_HEADER])
                reply = ok() if status == 200 else error(status)
            if DELAY_HEADER in headers:
                delay = float(headers[DELAY_HEADER]) / 1000.0
                if delay < 0:
                    raise ValueError("a delay cannot be negative")
        except ValueError as problem:
            raise BadFaultHeader(
                f"bad fault header ({problem}); {FAULT_HEADER} takes {SPEC_HELP}; "
                f"{ABORT_HEADER} takes a status code; {DELAY_HEADER} takes milliseconds"
            ) from None
        return reply, delay

    def _begin(self, request: Request, outcome_of: Callable[[Reply], str] = Reply.describe,
               **live: Any) -> tuple[Call, Request, Reply | Handler, float]:
        """Choose what ``request`` gets and record its call, in one step.

        Returns the call, the request (now carrying its call number), either the reply or
        the route handler that will compute it, and the delay asked for by a header.
        Choosing and recording under one lock keeps the call numbers in the order the script
        was consumed. A fault header the service cannot read is answered with a 400 that says
        why, on either transport.
        """
        outcome: str | None = None
        try:
            header_reply, delay = self._header_fault(request)
        except BadFaultHeader as problem:
            header_reply, delay = error(400, json={"error": 400, "message": str(problem)}), 0.0
            outcome = "400 bad fault header"
        with self._lock:
            choice: Reply | Handler = header_reply or self._choose(request)
            if outcome is None:
                outcome = outcome_of(choice) if isinstance(choice, Reply) else IN_PROGRESS
            call = self.log.add(request.time, request.method, request.target, outcome, **live)
            hooks = list(self._before)
        if not isinstance(choice, Reply):  # a handler will see the request: give it its number
            request = replace(request, number=call.number)
        for hook in hooks:
            hook(call)
        return call, request, choice, delay

    def _choose(self, request: Request) -> Reply | Handler:
        now = request.time
        for start, end, reply in self._outages:
            if start <= now < end:
                return reply
        if self._script:
            return self._script.popleft()
        if self._error_rate and self._random.random() < self._error_rate:
            return self._error_reply
        if self._routes:
            handler = self._routes[_match(self._routes, request.path)]
            if handler is not None:
                return handler
        return self._default

    def _run_handler(self, handler: Handler, request: Request) -> tuple[Reply, str]:
        """Call a route handler: its reply, and the outcome to log (a 500 if it raised)."""
        try:
            reply = self._validate(as_reply(handler(request)))
        except Exception as problem:  # a handler's bug is the check's business: report it
            name = type(problem).__name__
            self.log.event(self.clock(), f"{request.method} {request.target}: the handler "
                                         f"raised {name}: {problem}", request.number)
            reply = error(500, json={"error": 500, "handler raised": f"{name}: {problem}"})
            return reply, f"500 (handler raised {name})"
        return reply, reply.describe()

    def _finish(self, call: Call) -> None:
        with self._lock:
            hooks = list(self._after)
        for hook in hooks:
            hook(call)


def _prefix(path: str) -> str:
    if not path.startswith("/"):
        raise ValueError(f"a served path starts with '/', got {path!r}")
    return path.rstrip("/") or "/"


def _match(routes: Mapping[str, Any], path: str) -> str | None:
    """The longest route prefix that ``path`` is, or is below."""
    best = None
    for prefix in routes:
        if prefix == "/" or path == prefix or path.startswith(prefix + "/"):
            if best is None or len(prefix) > len(best):
                best = prefix
    return best


__all__ = ["ABORT_HEADER", "BadFaultHeader", "DELAY_HEADER", "FAULT_HEADER",
           "Handler", "Request", "ServiceBehaviour"]
