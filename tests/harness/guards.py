"""While grading, code under test may neither sleep for real nor reach the network.

* A real ``time.sleep`` called from graded code raises :class:`RealSleepError` at once: the
  checks give every implementation a fake clock and an injected ``sleep``, and a real one
  would turn a one-second grade into minutes. ``sleep(0)`` (a thread switch) is allowed.
* A socket connection to anything but loopback raises :class:`NetworkBlocked`: no check needs
  the internet, and a real local server binds 127.0.0.1. So does binding a socket to any
  address but loopback (``""`` and ``0.0.0.0`` mean every interface): nothing listens
  beyond the machine.
"""

from __future__ import annotations

import ipaddress
import socket
import sys
import time
from typing import Any

from . import loader

_real_sleep = time.sleep
_real_connect = socket.socket.connect
_real_bind = socket.socket.bind
_installed = False


class RealSleepError(BaseException):
    """Graded code called ``time.sleep`` for real (a BaseException, so no retry swallows it)."""


class NetworkBlocked(ConnectionError):
    """Graded code tried to reach a real host that is not on this machine."""


def _guarded_sleep(seconds: float) -> None:
    caller = sys._getframe(1).f_code.co_filename
    if seconds and caller in loader.graded_files:
        raise RealSleepError(
            f"your code called time.sleep({seconds!r}) for real; wait through the injected "
            f"`sleep` (or clock) instead, so the checks can run on fake time")
    _real_sleep(seconds)


def _is_loopback(address: Any) -> bool:
    if not isinstance(address, tuple) or not address:
        return True  # Unix sockets and the like stay on the machine
    host = address[0]
    if host in ("localhost", ""):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _guarded_connect(self: socket.socket, address: Any) -> None:
    if not _is_loopback(address):
        raise NetworkBlocked(f"the grader blocks network access to {address!r}: checks run "
                             f"against fake services only")
    _real_connect(self, address)


def _guarded_bind(self: socket.socket, address: Any) -> None:
    if isinstance(address, tuple) and address and address[0] in ("", "0.0.0.0", "::"):
        raise NetworkBlocked(f"the grader blocks listening on every interface ({address!r}): "
                             f"bind 127.0.0.1")
    if not _is_loopback(address):
        raise NetworkBlocked(f"the grader blocks binding {address!r}: bind 127.0.0.1")
    _real_bind(self, address)


def install() -> None:
    """Install both guards for the rest of the process (idempotent)."""
    global _installed
    if _installed:
        return
    time.sleep = _guarded_sleep
    socket.socket.connect = _guarded_connect  # type: ignore[method-assign]
    socket.socket.bind = _guarded_bind  # type: ignore[method-assign]
    _installed = True
