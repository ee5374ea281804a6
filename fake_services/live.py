"""Fake services on real sockets: flaky HTTP servers on 127.0.0.1, in real time.

The same behaviour model as the in-process ``FakeService`` (scripts, outages, error rates,
routes, hooks, the call log; see ``fake_services.behaviour``), served by a real HTTP/1.1
server, so timeouts really fire, connection pools really fill and a slow service really
holds its callers' threads::

    with LiveService("users", workers=4) as users:
        users.script(503, reset_mid_body(), 200)
        session = users.session()
        session.get(users.url + "/users/1", timeout=1)      # 503
        session.get(users.url + "/users/1", timeout=1)      # raises ChunkedEncodingError

Several services on one time line, stopped together (the pytest fixture
``live_network`` is one of these)::

    with LiveNetwork() as net:
        c = net.service("c").always(ok(latency=0.010))
        b = net.service("b", workers=4).route("/b", lambda request: call_c(...))

What the server does, and why:

* it binds 127.0.0.1 only, on port 0 (the kernel picks a free port) unless told a port;
* HTTP/1.1 keep-alive with ``Content-Length`` and Nagle off (with Nagle on, keep-alive
  stalls on delayed ACKs: about 23 requests/s instead of over 1,000);
* one thread per connection, as ``ThreadingHTTPServer``; the work is bounded by the worker
  pool inside the handler (``workers``, ``queue_timeout``: wait, or be shed with a 503),
  never by not accepting connections;
* the accept loop and every wait inside a handler also watch a wake-up pipe, so
  :meth:`LiveService.stop` returns within milliseconds even with slow replies in flight: it
  closes the listener, wakes every wait, shuts down every connection (idle keep-alive ones
  too) and joins every thread it started;
* a client that goes away mid-answer is an :class:`~fake_services.calls.Event` in the log
  ("client went away..."), never a ``BrokenPipeError`` traceback on stderr.

Time is real: ``clock()`` is seconds since the service started (or the shared clock of a
:class:`LiveNetwork`), and an outage window is in those seconds.
"""

from __future__ import annotations

import os
import select
import socket
import socketserver
import sys
import threading
import time
import traceback
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Callable, Iterable

import requests

from .behaviour import Request, ServiceBehaviour
from .calls import NOT_SERVED, SHED, Bucket, Call, buckets
from .clock import RealClock
from .pool import ADMITTED, PoolStats, WorkerPool
from .pool import SHED as POOL_SHED
from .replies import CONNECT_TIMEOUT, Reply, ReplyLike, as_reply, error
from .wire import Wire, deliver

HOST = "127.0.0.1"
#: How long an idle keep-alive connection is kept before the server closes it (seconds).
IDLE_TIMEOUT = 5.0
#: How long stop() waits for the service's threads to finish.
STOP_TIMEOUT = 2.0
#: The outcome of a request that was waiting for a worker when the service stopped.
STOPPED = "stopped before a worker was free"


class ServiceStuck(RuntimeError):
    """A live service's threads did not finish after stop (a handler that never returns?)."""


class LiveService(ServiceBehaviour):
    """One flaky HTTP service on ``http://127.0.0.1:<port>``, scripted like ``FakeService``.

    ``workers`` bounds how many requests are worked on at once (``None``: no bound); a
    request that finds all busy waits up to ``queue_timeout`` seconds (``0``: not at all,
    ``None``: as long as it takes) and is then shed with ``shed`` (a 503 by default).
    ``paths`` limits what is served (other paths get a 404 saying what is served), as do
    routes. ``clock`` is the time line (a ``RealClock`` started with the service unless one
    is given). ``idle_timeout`` closes idle keep-alive connections.

    Start and stop it with ``with`` (or :meth:`start` / :meth:`stop`); it can be started
    again after a stop, on the same port, with its log and scripts intact.
    """

    clock: RealClock

    def __init__(self, name: str = "service", *, workers: int | None = None,
                 queue_timeout: float | None = None, shed: ReplyLike | None = None,
                 default: ReplyLike = 200, paths: list[str] | tuple[str, ...] | None = None,
                 port: int = 0, clock: RealClock | None = None,
                 idle_timeout: float = IDLE_TIMEOUT) -> None:
        super().__init__(name, clock if clock is not None else RealClock(), default=default,
                         paths=paths)
        if not isinstance(port, int) or not 0 <= port <= 65535:
            raise ValueError(f"port must be within 0..65535 (0: any free port), got {port!r}")
        if idle_timeout <= 0:
            raise ValueError(f"idle_timeout must be positive seconds, got {idle_timeout!r}")
        self.pool = WorkerPool(workers, queue_timeout)
        self.idle_timeout = idle_timeout
        self.errors: list[str] = []  #: tracebacks of faults in fake_services itself (never expected)
        self._shed = as_reply(shed) if shed is not None else error(
            503, json={"error": 503, "service": name, "shed": True,
                       "message": f"{name}: all {workers} workers busy"})
        self._own_clock = clock is None
        self._started_once = False
        self._port = port
        self._server: _Server | None = None
        self._accept_thread: threading.Thread | None = None
        self._wake: tuple[int, int] | None = None
        self._stopping = threading.Event()
        self._threads_lock = threading.Lock()
        self._threads: list[threading.Thread] = []
        self._connections: set[socket.socket] = set()
        self._accepted = 0

    # -- life cycle ------------------------------------------------------------------------

    def start(self) -> LiveService:
        """Bind 127.0.0.1 and start serving; returns the service. Takes about a millisecond."""
        if self.running:
            raise RuntimeError(f"{self.name} is already running at {self.url}")
        self._stopping = threading.Event()
        self.pool.reopen()
        server = _Server(self, self._port)  # binds and listens, or raises OSError
        self._port = server.server_address[1]
        self._wake = os.pipe()
        self._server = server
        if self._own_clock and not self._started_once:
            self.clock.restart()
        self._started_once = True
        self._accept_thread = threading.Thread(target=self._accept_loop, daemon=True,
                                               name=f"{self.name}:{self._port} accept")
        self._accept_thread.start()
        return self

    def stop(self, timeout: float = STOP_TIMEOUT) -> None:
        """Stop serving: wake every wait, close every connection, join every thread.

        Returns within milliseconds unless a route handler or hook is blocked in code the
        service cannot interrupt; raises :class:`ServiceStuck` if threads are still running
        after ``timeout`` seconds. Stopping a stopped service does nothing.
        """
        self.begin_stop()
        self.finish_stop(timeout)

    def begin_stop(self) -> None:
        """The first half of :meth:`stop`: stop accepting and interrupt everything."""
        server, wake = self._server, self._wake
        if server is None or wake is None or self._stopping.is_set():
            return
        self._stopping.set()
        os.write(wake[1], b"!")  # level-triggered: every poll on it returns from now on
        self.pool.close()
        if self._accept_thread is not None:
            self._accept_thread.join()
        server.server_close()
        with self._threads_lock:
            connections = list(self._connections)
        for connection in connections:
            try:
                connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def finish_stop(self, timeout: float = STOP_TIMEOUT) -> None:
        """The second half of :meth:`stop`: join the threads, free the wake-up pipe."""
        if self._server is None:
            return
        deadline = time.monotonic() + timeout
        with self._threads_lock:
            threads = list(self._threads)
        for thread in threads:
            thread.join(max(0.0, deadline - time.monotonic()))
        stuck = [thread for thread in threads if thread.is_alive()]
        if stuck:
            raise ServiceStuck(
                f"{self.name}: {len(stuck)} request thread(s) still running {timeout} s after "
                f"stop; a route handler or before_reply hook that never returns?\n"
                f"{self.timeline(last=6)}")
        with self._threads_lock:
            self._threads.clear()
            self._connections.clear()
        if self._wake is not None:
            for fd in self._wake:
                os.close(fd)
        self._wake = None
        self._server = None

    @property
    def running(self) -> bool:
        return self._server is not None and not self._stopping.is_set()

    def __enter__(self) -> LiveService:
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()

    # -- where it is -----------------------------------------------------------------------

    @property
    def port(self) -> int:
        if not self._port:
            raise RuntimeError(f"{self.name} has no port until it is started")
        return self._port

    @property
    def url(self) -> str:
        """``http://127.0.0.1:<port>`` (known once started; kept across restarts)."""
        return f"http://{HOST}:{self.port}"

    def session(self) -> requests.Session:
        """A ``requests.Session`` that skips proxy settings from the environment."""
        session = requests.Session()
        session.trust_env = False
        return session

    # -- what it is doing ------------------------------------------------------------------

    @property
    def in_flight(self) -> int:
        """Requests being worked on right now (holding a worker)."""
        return self.pool.in_use

    @property
    def waiting(self) -> int:
        """Requests waiting for a worker right now."""
        return self.pool.waiting

    @property
    def sheds(self) -> int:
        """Requests turned away with a 503 so far because every worker was busy."""
        return self.pool.stats().shed

    @property
    def connections_accepted(self) -> int:
        """TCP connections accepted so far (a keep-alive session reuses one)."""
        with self._threads_lock:
            return self._accepted

    @property
    def open_connections(self) -> int:
        """TCP connections open right now (idle keep-alive ones included)."""
        with self._threads_lock:
            return len(self._connections)

    def stats(self) -> PoolStats:
        """The worker pool's numbers: in use, waiting, peak, admitted, shed, longest wait."""
        return self.pool.stats()

    def buckets(self, width: float = 0.1, *, start: float = 0.0,
                end: float | None = None) -> list[Bucket]:
        """The call log in slices of ``width`` seconds (see ``fake_services.calls.buckets``)."""
        return buckets(self.calls, width, start=start, end=end)

    def wait_until(self, condition: Callable[[], bool], timeout: float = 2.0) -> bool:
        """Wait (up to ``timeout`` s) until ``condition()`` holds; whether it did.

        For checks that must see the service in a state first: ``users.wait_until(lambda:
        users.in_flight == 4)``.
        """
        deadline = time.monotonic() + timeout
        while not condition():
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.001)
        return True

    def wait_idle(self, timeout: float = 2.0) -> bool:
        """Wait until the service has finished with every call it has seen; whether it did.

        A client can hold its answer (or its exception) a moment before the service has
        written the call's outcome and duration to the log: call this before reading them.
        """
        return self.wait_until(lambda: self.log.pending == 0, timeout)

    def __repr__(self) -> str:
        where = self.url if self._port else "not started"
        return f"LiveService({self.name!r}, {where}, calls={self.call_count})"

    # -- serving (on the connection's thread) ----------------------------------------------

    def _validate(self, reply: Reply) -> Reply:
        if reply.fault == CONNECT_TIMEOUT:
            raise ValueError("a live service cannot make a connect timeout: on loopback the "
                             "kernel answers every connection at once. Use black_hole() for a "
                             "read timeout, closed_port() for a refused connection, or "
                             "unanswered_port() for a connect timeout")
        return reply

    def _serve(self, handler: _Handler) -> None:
        arrived = self.clock()
        declared = handler.headers.get("Content-Length", "0").strip()
        length = int(declared) if declared.isdigit() else 0
        body = handler.rfile.read(length) if length > 0 else b""
        if length == 0 and declared not in ("", "0") or \
                "chunked" in handler.headers.get("Transfer-Encoding", "").lower():
            handler.close_connection = True  # a body it did not read: never reuse the stream
        wire = Wire(handler.connection, self._wake_fd, self.clock)
        request = Request.make(handler.command, handler.path, handler.headers, body, arrived)
        if not self.serves_path(request.path):
            call = self.log.add(arrived, request.method, request.target, NOT_SERVED, done=False)
            self._answer(handler, wire, call, self.not_served(request.path), NOT_SERVED)
            return
        verdict, waited = self.pool.acquire()
        if verdict != ADMITTED:
            outcome = SHED if verdict == POOL_SHED else STOPPED
            call = self.log.add(arrived, request.method, request.target, outcome,
                                queue_wait=waited, in_flight=self.pool.in_use, done=False)
            self._answer(handler, wire, call, self._shed, outcome)
            return
        try:
            call, request, choice, delay = self._begin(
                request, in_flight=self.pool.in_use, queue_wait=waited, done=False)
            if isinstance(choice, Reply):
                reply, outcome = choice.delayed(delay), call.outcome
            else:
                if delay:
                    wire.wait(delay)
                reply, outcome = self._run_handler(choice, request)
            done = self._answer(handler, wire, call, reply, outcome, finish=False)
        finally:
            self.pool.release()
        self._finish(done)

    def _answer(self, handler: _Handler, wire: Wire, call: Call, reply: Reply, outcome: str,
                *, finish: bool = True) -> Call:
        """Put ``reply`` on the wire and complete ``call`` in the log."""
        status, headers, text = self.render(reply, call.path, call.number)
        if wire.stopped or self._stopping.is_set():
            wire.stopped = True
            result_left, result_stopped, keep = wire.client_left, True, False
        else:
            result = deliver(wire, reply, status, headers, text.encode(),
                             head_only=call.method == "HEAD", close=handler.close_connection)
            result_left, result_stopped, keep = result.client_left, result.stopped, result.keep_alive
        if not keep:
            handler.close_connection = True
        if result_stopped:
            outcome += " (cut short: the service stopped)"
        done = self.log.update(call, outcome=outcome, duration=self.clock() - call.time,
                               client_left=result_left, done=True)
        if result_left is not None:
            self.log.event(result_left, f"client went away from call {call.number} "
                                        f"({call.method} {call.path} -> {outcome})", call.number)
        if finish:
            self._finish(done)
        return done

    # -- the server's own threads ----------------------------------------------------------

    @property
    def _wake_fd(self) -> int:
        assert self._wake is not None
        return self._wake[0]

    def _accept_loop(self) -> None:
        server, wake = self._server, self._wake
        assert server is not None and wake is not None
        poll = select.poll()
        poll.register(server.fileno(), select.POLLIN)
        poll.register(wake[0], select.POLLIN)
        while not self._stopping.is_set():
            for fd, _ in poll.poll():
                if fd == server.fileno() and not self._stopping.is_set():
                    server._handle_request_noblock()

    def _track(self, thread: threading.Thread, connection: socket.socket) -> None:
        with self._threads_lock:
            self._threads = [t for t in self._threads if t.is_alive()]
            self._threads.append(thread)
            self._connections.add(connection)
            self._accepted += 1

    def _untrack(self, connection: socket.socket) -> None:
        with self._threads_lock:
            self._connections.discard(connection)

    def _internal_error(self, problem: BaseException) -> None:
        text = "".join(traceback.format_exception(problem))
        self.errors.append(text)
        self.log.event(self.clock(), f"internal error in fake_services: "
                                     f"{type(problem).__name__}: {problem}")


class _Server(ThreadingHTTPServer):
    """The stdlib server, with its threads and connections tracked by the service."""

    request_queue_size = 128  # connection bursts from a load generator are accepted at once
    daemon_threads = True  # never keeps the interpreter alive; stop() joins them anyway

    def __init__(self, live: LiveService, port: int) -> None:
        self.live = live
        super().__init__((HOST, port), _Handler)

    def server_bind(self) -> None:
        # HTTPServer.server_bind also asks DNS for the host's name (socket.getfqdn): skip it
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = self.server_address[:2]

    def process_request(self, request: socket.socket, client_address: object) -> None:  # type: ignore[override]
        thread = threading.Thread(target=self._work, args=(request, client_address),
                                  daemon=True, name=f"{self.live.name} connection")
        self.live._track(thread, request)
        thread.start()

    def _work(self, request: socket.socket, client_address: object) -> None:
        try:
            self.finish_request(request, client_address)
        except Exception:
            self.handle_error(request, client_address)
        finally:
            self.shutdown_request(request)
            self.live._untrack(request)

    def handle_error(self, request: object, client_address: object) -> None:
        problem = sys.exc_info()[1]
        if problem is None or isinstance(problem, OSError):
            return  # a client that vanished between requests: nothing to report
        self.live._internal_error(problem)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive
    disable_nagle_algorithm = True  # one small write per answer must not wait for an ACK
    server_version = "fake-services"
    server: _Server

    def setup(self) -> None:
        self.timeout = self.server.live.idle_timeout  # idle keep-alive connections end
        super().setup()

    def _serve(self) -> None:
        self.server.live._serve(self)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = _serve

    def log_message(self, format: str, *args: object) -> None:
        pass  # the call log records every request; stderr stays quiet


# -- several services, and a port that refuses ---------------------------------------------

class ClosedPort:
    """A loopback port where nothing listens: connecting to it is refused, every time.

    The port is held by a socket that is bound but never listens, so no other program can
    take it while this object is open (a port freed by closing a socket can be reused by
    anyone at once). ``url`` is ``http://127.0.0.1:<port>``.
    """

    def __init__(self) -> None:
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._socket.bind((HOST, 0))
        self.port: int = self._socket.getsockname()[1]
        self.url = f"http://{HOST}:{self.port}"

    def close(self) -> None:
        self._socket.close()

    def __enter__(self) -> str:
        return self.url

    def __exit__(self, *exc: object) -> None:
        self.close()


def closed_port() -> ClosedPort:
    """``with closed_port() as url:``: a URL whose connections are refused."""
    return ClosedPort()


class UnansweredPort(ClosedPort):
    """A loopback port whose connections are never completed: a real connect timeout.

    It listens with a backlog of 0 and never accepts; a few connections fill the queue, so
    the kernel drops every further SYN and a client's connect waits until its connect
    timeout (on loopback, a refused or an answered connection is the only other outcome).
    ``url`` is ``http://127.0.0.1:<port>``; ``close()`` frees everything.
    """

    def __init__(self) -> None:
        super().__init__()
        self._socket.listen(0)
        self._fillers = []
        for _ in range(3):
            filler = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            filler.setblocking(False)
            try:
                filler.connect((HOST, self.port))
            except BlockingIOError:
                pass
            self._fillers.append(filler)
        time.sleep(0.02)  # let the fillers' handshakes settle

    def close(self) -> None:
        for filler in self._fillers:
            filler.close()
        super().close()


def stop_all(services: Iterable[LiveService], timeout: float = STOP_TIMEOUT) -> None:
    """Stop several services quickly: interrupt them all first, then join them all.

    When A's handler is calling B, stopping A alone would wait for that call; interrupting
    B as well ends it at once.
    """
    services = list(services)
    for service in services:
        service.begin_stop()
    problems = []
    for service in services:
        try:
            service.finish_stop(timeout)
        except ServiceStuck as stuck:
            problems.append(str(stuck))
    if problems:
        raise ServiceStuck("\n".join(problems))


class LiveNetwork:
    """Live services on one shared ``RealClock``, with sessions and ports, stopped together.

    >>> with LiveNetwork() as net:
    ...     users = net.service("users").script(503)
    ...     net.session().get(users.url + "/users/1", timeout=1).status_code
    503
    """

    def __init__(self, clock: RealClock | None = None) -> None:
        self.clock = clock if clock is not None else RealClock()
        self.services: list[LiveService] = []
        self._sessions: list[requests.Session] = []
        self._ports: list[ClosedPort] = []

    def service(self, name: str, **options: object) -> LiveService:
        """Start a live service on this network's clock (options as for ``LiveService``)."""
        if any(s.name == name for s in self.services):
            raise ValueError(f"a service named {name!r} is already on this network")
        service = LiveService(name, clock=self.clock, **options)  # type: ignore[arg-type]
        self.services.append(service.start())
        return service

    def session(self) -> requests.Session:
        """A ``requests.Session`` (no proxies from the environment), closed with the network."""
        session = requests.Session()
        session.trust_env = False
        self._sessions.append(session)
        return session

    def closed_port(self) -> str:
        """A URL on loopback that refuses connections until the network stops."""
        port = ClosedPort()
        self._ports.append(port)
        return port.url

    def unanswered_port(self) -> str:
        """A URL on loopback whose connections are never completed, until the network stops."""
        port = UnansweredPort()
        self._ports.append(port)
        return port.url

    def timeline(self, last: int | None = 20) -> str:
        """Every service's calls and events, merged in time order."""
        entries = []
        for service in self.services:
            entries += [(c.time, f"{service.name}: {c}") for c in service.calls]
            entries += [(e.time, f"{service.name}: {e}") for e in service.events]
        lines = [text for _, text in sorted(entries, key=lambda entry: entry[0])]
        if last is not None and len(lines) > last:
            lines = [f"... {len(lines) - last} earlier entries"] + lines[-last:]
        return "\n".join(lines) if lines else "no calls"

    def errors(self) -> list[str]:
        """Faults inside fake_services itself during the run (there should be none)."""
        return [error for service in self.services for error in service.errors]

    def stop(self) -> None:
        for session in self._sessions:
            session.close()
        try:
            stop_all(self.services)
        finally:
            for port in self._ports:
                port.close()

    def __enter__(self) -> LiveNetwork:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


__all__ = ["ClosedPort", "HOST", "LiveNetwork", "LiveService", "ServiceStuck", "closed_port",
           "stop_all"]
