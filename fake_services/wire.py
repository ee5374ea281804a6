"""Putting a reply on a real socket, faults included: what only a real socket can do.

:class:`Wire` wraps one accepted connection of a live service. Its waits are interruptible
(they return at once when the service stops) and watch the client: when the client closes
its end mid-answer (a deadline, a breaker giving up), the time is noted instead of a
``BrokenPipeError`` traceback. :func:`deliver` writes a reply, or its fault, on the wire:

* latency is *work*: the worker stays busy for all of it, even if the client has gone (a
  real server notices only when it writes); the answer then is not sent. The pauses of
  slow headers and a dribble are a slow *wire* instead: they end when the client leaves;
* a reset is an RST: ``SO_LINGER`` on with a zero timeout, then close;
* a half-close is ``shutdown(SHUT_WR)`` with nothing sent;
* a truncated body declares its full ``Content-Length`` and sends ``sent`` bytes of it;
* slow headers send the status line at once and the rest ``pause`` seconds later;
* a dribble sends the headers at once and the body one byte every ``pause`` seconds, on a
  fixed schedule (no drift);
* a black hole waits until the client goes away or the service stops.

The reset after a partial body is deterministic on Linux: bytes that reached the client
before the RST are still read first, so the client sees a broken body, never a refused
request.
"""

from __future__ import annotations

import os
import select
import socket
import struct
import time
from dataclasses import dataclass
from typing import Callable

from .replies import (BLACK_HOLE, CONNECTION_REFUSED, CONNECTION_RESET, DRIBBLE, GARBAGE,
                      HALF_CLOSE, READ_TIMEOUT, RESET_MID_BODY, SLOW_HEADERS, TRUNCATED, Reply,
                      reason_phrase)

_WATCHED = select.POLLIN | select.POLLPRI | select.POLLHUP | select.POLLERR
GARBAGE_BYTES = b"\x00\x01garbage, not an HTTP status line\r\n"


class Wire:
    """One client connection: interruptible waits that notice the client leaving."""

    def __init__(self, sock: socket.socket, wake_fd: int, clock: Callable[[], float]) -> None:
        self.sock = sock
        self.clock = clock
        self.client_left: float | None = None  #: clock time the client went away, if it did
        self.stopped = False  #: the service stopped while this connection was being served
        self.closed = False  #: the connection must not be used for another request
        self._wake_fd = wake_fd
        self._fd = sock.fileno()
        self._poll = select.poll()
        self._poll.register(wake_fd, select.POLLIN)
        self._watching = False
        self._watch(True)

    @property
    def gone(self) -> bool:
        """Nothing more can be sent: the client left or the service is stopping."""
        return self.client_left is not None or self.stopped

    def wait(self, seconds: float | None, *, until_client_leaves: bool = False) -> None:
        """Wait ``seconds`` (``None``: for ever), or less if the service stops.

        With ``until_client_leaves`` the wait also ends when the client goes away; without,
        the departure is only noted (the work goes on, as it would on a real server).
        """
        deadline = None if seconds is None else time.monotonic() + seconds
        while not self.stopped:
            if until_client_leaves and self.client_left is not None:
                return
            remaining = None if deadline is None else deadline - time.monotonic()
            if remaining is not None and remaining <= 0:
                return
            ready = self._poll.poll(None if remaining is None else remaining * 1000.0)
            for fd, _ in ready:
                if fd == self._wake_fd:
                    self.stopped = True
                elif self._peer_closed():
                    self._left()

    def send(self, data: bytes) -> bool:
        """Send ``data``; ``False`` (and the departure noted) if the client has gone."""
        if self.gone or self.closed:
            return False
        try:
            self.sock.sendall(data)
            return True
        except OSError:  # BrokenPipe, ConnectionReset, or a client that stopped reading
            self._left()
            return False

    def reset(self) -> None:
        """Abort the connection with an RST: ``SO_LINGER`` (on, 0 s), then close at once.

        The socket is closed here, not by the server afterwards: the server's usual
        ``shutdown(SHUT_WR)`` before closing would send a FIN first.
        """
        self._watch(False)
        try:
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            os.close(self.sock.detach())
        except OSError:
            pass
        self.closed = True

    def half_close(self) -> None:
        """Close our sending side (a FIN) and stop serving this connection."""
        try:
            self.sock.shutdown(socket.SHUT_WR)
        except OSError:
            pass
        self.closed = True

    def _watch(self, on: bool) -> None:
        if on and not self._watching:
            self._poll.register(self._fd, _WATCHED)
        elif not on and self._watching:
            self._poll.unregister(self._fd)
        self._watching = on

    def _peer_closed(self) -> bool:
        """The client's side is readable: an EOF or a reset means it left."""
        try:
            data = self.sock.recv(1, socket.MSG_PEEK | socket.MSG_DONTWAIT)
        except BlockingIOError:
            return False
        except OSError:
            return True
        if data:  # the client sent more (a pipelined request): stop watching, it is there
            self._watch(False)
            return False
        return True

    def _left(self) -> None:
        if self.client_left is None:
            self.client_left = self.clock()
        self._watch(False)
        self.closed = True


@dataclass(frozen=True)
class Delivered:
    """How a delivery went."""

    client_left: float | None
    stopped: bool
    keep_alive: bool


def head(status: int, headers: dict[str, str], length: int, *, close: bool) -> bytes:
    """Status line and headers, with ``Content-Length`` (keep-alive needs it)."""
    lines = [f"HTTP/1.1 {status} {reason_phrase(status)}"]
    lines += [f"{name}: {value}" for name, value in headers.items()
              if name.lower() not in ("content-length", "connection")]
    lines.append(f"Content-Length: {length}")
    if close:
        lines.append("Connection: close")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


def deliver(wire: Wire, reply: Reply, status: int, headers: dict[str, str], body: bytes, *,
            head_only: bool = False, close: bool = False) -> Delivered:
    """Write ``reply`` (already rendered to status, headers and body) on the wire."""
    fault = reply.fault
    if reply.latency:
        wire.wait(reply.latency)
    if wire.gone:
        return _done(wire)
    if fault in (CONNECTION_RESET, CONNECTION_REFUSED):
        wire.reset()
    elif fault == HALF_CLOSE:
        wire.half_close()
    elif fault == GARBAGE:
        wire.send(GARBAGE_BYTES)
        wire.half_close()
    elif fault in (BLACK_HOLE, READ_TIMEOUT):
        wire.wait(None, until_client_leaves=True)
        wire.closed = True
    elif fault in (TRUNCATED, RESET_MID_BODY):
        cut = min(reply.sent, max(len(body) - 1, 0))
        if wire.send(head(status, headers, len(body), close=True) + body[:cut]):
            wire.reset() if fault == RESET_MID_BODY else wire.half_close()
    elif fault == SLOW_HEADERS:
        whole = head(status, headers, len(body), close=close) + (b"" if head_only else body)
        status_line, _, rest = whole.partition(b"\r\n")
        if wire.send(status_line + b"\r\n"):
            wire.wait(reply.pause, until_client_leaves=True)
            wire.send(rest)
    elif fault == DRIBBLE:
        if wire.send(head(status, headers, len(body), close=close)) and not head_only:
            began = time.monotonic()
            for i in range(len(body)):
                wire.wait(began + (i + 1) * reply.pause - time.monotonic(),
                          until_client_leaves=True)
                if not wire.send(body[i:i + 1]):
                    break
    else:
        wire.send(head(status, headers, len(body), close=close) + (b"" if head_only else body))
    return _done(wire, close)


def _done(wire: Wire, close: bool = True) -> Delivered:
    keep = not (close or wire.closed or wire.gone)
    return Delivered(wire.client_left, wire.stopped, keep)



__all__ = ["Delivered", "Wire", "deliver", "head"]
