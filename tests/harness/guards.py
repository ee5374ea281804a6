"""While grading, code under test may neither wait for real nor reach the network.

* A real ``time.sleep`` called from graded code raises :class:`RealSleepError` at once: the
  checks give every implementation a fake clock and an injected ``sleep``, and a real one
  would turn a one-second grade into minutes. ``sleep(0)`` (a thread switch) is allowed.
* While a check runs on the fake clock (it uses the ``clock`` fixture), graded code that waits
  for real (``threading.Event().wait(60)``, ``Condition.wait(5)``) raises
  :class:`RealTimeError` at once, naming the call: it would take real seconds. Graded code
  that reads the real clock (``time.time()``, ``time.monotonic()``, ``time.perf_counter()``)
  is noted instead (``real_clock_read``), and the report names that read under the check if
  the check fails: reading a clock is harmless on its own (a log line's timestamp; lesson 15's
  pybreaker judges by the wall clock), so it never fails a check by itself, but it is the
  usual reason a breaker does not notice fake time passing. Checks where real time is the
  point do not use that fixture, so all of this stays allowed there.
* A socket connection to anything but loopback raises :class:`NetworkBlocked`: no check needs
  the internet, and a real local server binds 127.0.0.1. So does binding a socket to any
  address but loopback (``""`` and ``0.0.0.0`` mean every interface): nothing listens
  beyond the machine.

"Graded code" is a file the loader imported (``loader.graded_files``); the harness, the fake
services and the libraries may sleep, read clocks and wait as they like.
"""

from __future__ import annotations

import contextlib
import ipaddress
import socket
import sys
import threading
import time
from typing import Any, Callable, Iterator

from . import loader

_real_sleep = time.sleep
_real_connect = socket.socket.connect
_real_bind = socket.socket.bind
_real_clocks: dict[str, Callable[[], Any]] = {
    name: getattr(time, name) for name in
    ("time", "monotonic", "perf_counter", "time_ns", "monotonic_ns", "perf_counter_ns")}
_real_event_wait = threading.Event.wait
_real_condition_wait = threading.Condition.wait
_installed = False
_fake_time_checks = 0  # how many running checks are on the fake clock (one, in practice)
#: The first real-clock read by graded code in the current fake-time check: (call, where).
real_clock_read: tuple[str, str] | None = None


class RealSleepError(BaseException):
    """Graded code called ``time.sleep`` for real (a BaseException, so no retry swallows it)."""


class RealTimeError(RealSleepError):
    """Graded code waited for real while a check ran on fake time."""


class NetworkBlocked(ConnectionError):
    """Graded code tried to reach a real host that is not on this machine."""


def _called_from_graded_code(depth: int = 2) -> bool:
    return sys._getframe(depth).f_code.co_filename in loader.graded_files


def _guarded_sleep(seconds: float) -> None:
    if seconds and _called_from_graded_code():
        raise RealSleepError(
            f"your code called time.sleep({seconds!r}) for real; wait through the injected "
            f"`sleep` (or clock) instead, so the checks can run on fake time")
    _real_sleep(seconds)


def _guarded_clock(name: str) -> Callable[[], Any]:
    real = _real_clocks[name]

    def clock() -> Any:
        global real_clock_read
        if _fake_time_checks and real_clock_read is None and _called_from_graded_code():
            caller = sys._getframe(1)
            real_clock_read = (f"time.{name}()",
                               f"{caller.f_code.co_filename}, line {caller.f_lineno}")
        return real()

    clock.__name__ = clock.__qualname__ = name
    clock.__doc__ = real.__doc__
    return clock


def _refuse_real_wait(kind: str, timeout: float | None) -> None:
    if _fake_time_checks and timeout is not None and timeout > 0 \
            and _called_from_graded_code(depth=3):
        raise RealTimeError(
            f"your code waited for real, {kind}.wait({timeout!r}), while this check runs on a "
            f"fake clock; wait through the injected `sleep` (or clock) instead, so the checks "
            f"can run on fake time")


def _guarded_event_wait(self: threading.Event, timeout: float | None = None) -> bool:
    _refuse_real_wait("Event", timeout)
    return _real_event_wait(self, timeout)


def _guarded_condition_wait(self: threading.Condition, timeout: float | None = None) -> bool:
    _refuse_real_wait("Condition", timeout)
    return _real_condition_wait(self, timeout)


@contextlib.contextmanager
def fake_time() -> Iterator[None]:
    """While this is active, graded code may not wait for real, and its real-clock reads are
    noted in ``real_clock_read`` (for this check only: cleared as it starts and as it ends,
    so a later check on the real clock is not told about it)."""
    global _fake_time_checks, real_clock_read
    real_clock_read = None
    _fake_time_checks += 1
    try:
        yield
    finally:
        _fake_time_checks -= 1
        real_clock_read = None


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
    """Install every guard for the rest of the process (idempotent)."""
    global _installed
    if _installed:
        return
    time.sleep = _guarded_sleep
    for name in _real_clocks:
        setattr(time, name, _guarded_clock(name))
    threading.Event.wait = _guarded_event_wait  # type: ignore[method-assign]
    threading.Condition.wait = _guarded_condition_wait  # type: ignore[method-assign]
    socket.socket.connect = _guarded_connect  # type: ignore[method-assign]
    socket.socket.bind = _guarded_bind  # type: ignore[method-assign]
    _installed = True
