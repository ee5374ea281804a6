"""Concurrency tools for the breaker checks: races made to happen on every run.

A race needs two threads to be between the same "check" and "act" at the same moment. Under
CPython's GIL that almost never happens by itself (retry_fakes_determinism.md §4.3: 3 runs in
2,000 with ``sys.setswitchinterval`` and a barrier). So the checks put rendezvous points where
a breaker hands control to code it does not own -- the injected clock, the ``on_state_change``
listener, the protected call -- and hold every racing thread there until all have arrived:

* :class:`RendezvousClock` -- a FakeClock whose calls meet at a ``threading.Barrier``: a breaker
  that reads its state, then asks the clock, then writes, has every racer read the same state;
* :class:`Transitions` -- an ``on_state_change`` listener that records ``(old, new)`` and can
  hold its callers at a barrier in the same way;
* :class:`Gate` -- a FakeService ``before_reply`` hook that holds calls inside the service until
  the check opens it (so that trial calls stay "in flight"), and counts who is inside;
* :class:`Crowd` -- callers on daemon threads, each outcome recorded, with deadlock detection:
  a caller that has not returned within a second is reported as stuck, never waited for.

Every barrier has a short timeout and ``BrokenBarrierError`` is swallowed: a correct, locked
breaker lets only one racer reach the meeting point, so it merely pays the timeout once.
"""

from __future__ import annotations

import sys
import threading
import time
from types import FrameType
from typing import Any, Callable, Collection

from fake_services import FakeClock
from fake_services.service import Call
from harness import Outcome, guards

#: How long a check waits for threads to arrive somewhere or to finish (real seconds).
WAIT = 1.0
#: The longest a gate holds a call; only reached when a check has already failed.
HOLD_LIMIT = 2.0


class Stage:
    """The condition every tool of one check notifies, so a check can wait for any state."""

    def __init__(self) -> None:
        self.cond = threading.Condition()
        self._gates: list[Gate] = []
        self._clocks: list[RendezvousClock] = []
        self._listeners: list[Transitions] = []

    def wait_for(self, predicate: Callable[[], bool], timeout: float = WAIT) -> bool:
        """Wait (real time) until ``predicate()`` holds; False if it did not within ``timeout``."""
        with self.cond:
            return self.cond.wait_for(predicate, timeout)

    def poke(self) -> None:
        with self.cond:
            self.cond.notify_all()

    def gate(self, *, numbers: set[int] | None = None, closed: bool = True) -> Gate:
        gate = Gate(self, numbers=numbers, closed=closed)
        self._gates.append(gate)
        return gate

    def clock(self, start: float = 0.0) -> RendezvousClock:
        clock = RendezvousClock(start)
        self._clocks.append(clock)
        return clock

    def listener(self) -> Transitions:
        listener = Transitions()
        self._listeners.append(listener)
        return listener

    def __enter__(self) -> Stage:
        return self

    def __exit__(self, *exc: object) -> None:
        """Let every held thread go, whatever happened in the check."""
        for gate in self._gates:
            gate.open()
        for clock in self._clocks:
            clock.stop_meeting()
        for listener in self._listeners:
            listener.stop_meeting()


class _Meeting:
    """One rendezvous: the first ``parties`` distinct threads to arrive wait for each other."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._barrier: threading.Barrier | None = None
        self._seated: set[int] = set()

    def arm(self, parties: int, timeout: float) -> None:
        with self._lock:
            self._barrier = threading.Barrier(parties, timeout=timeout)
            self._seated = set()

    def disarm(self) -> None:
        with self._lock:
            barrier, self._barrier = self._barrier, None
        if barrier is not None:
            barrier.abort()  # frees anyone still waiting

    def attend(self) -> None:
        with self._lock:
            barrier = self._barrier
            me = threading.get_ident()
            if barrier is None or me in self._seated or len(self._seated) >= barrier.parties:
                return
            self._seated.add(me)
        try:
            barrier.wait()
        except threading.BrokenBarrierError:
            pass  # a locked breaker lets only one racer through: it pays the timeout once


class RendezvousClock(FakeClock):
    """A FakeClock; while a meeting is armed, its first callers wait for each other."""

    def __init__(self, start: float = 0.0) -> None:
        super().__init__(start)
        self._meeting = _Meeting()

    def meet(self, parties: int, timeout: float = 0.2) -> None:
        """The next clock calls of ``parties`` distinct threads meet before returning."""
        self._meeting.arm(parties, timeout)

    def stop_meeting(self) -> None:
        self._meeting.disarm()

    def __call__(self) -> float:
        self._meeting.attend()
        return self.now

    def monotonic(self) -> float:
        return self()

    def for_services(self) -> _ServiceClock:
        """The same time, for fake services: their own clock reads never join a meeting."""
        return _ServiceClock(self)


class _ServiceClock:
    def __init__(self, clock: FakeClock) -> None:
        self._clock = clock

    def __call__(self) -> float:
        return self._clock.now

    def advance(self, seconds: float) -> float:
        return self._clock.advance(seconds)


class Transitions:
    """An ``on_state_change`` listener that records every ``(old, new)`` it is told about."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._events: list[tuple[Any, Any]] = []
        self._meeting = _Meeting()

    def __call__(self, old: Any, new: Any) -> None:
        with self._lock:
            self._events.append((old, new))
        self._meeting.attend()

    def meet(self, parties: int, timeout: float = 0.05) -> None:
        """The next calls from ``parties`` distinct threads meet before returning."""
        self._meeting.arm(parties, timeout)

    def stop_meeting(self) -> None:
        self._meeting.disarm()

    @property
    def events(self) -> list[tuple[Any, Any]]:
        with self._lock:
            return list(self._events)

    def describe(self) -> str:
        events = self.events
        return ", ".join(f"{_name(old)}→{_name(new)}" for old, new in events) if events \
            else "no transitions reported"


def _name(state: Any) -> str:
    return getattr(state, "name", repr(state))


class Gate:
    """A FakeService ``before_reply`` hook: holds calls in the service while closed.

    ``numbers`` limits it to those call numbers (1 = the service's first call); otherwise it
    holds every call that arrives while it is closed. It counts arrivals and who is inside.
    """

    def __init__(self, stage: Stage, *, numbers: set[int] | None, closed: bool) -> None:
        self._stage = stage
        self._numbers = numbers
        self._closed = closed
        self.arrived = 0
        self.inside = 0
        self.most_inside = 0

    def __call__(self, call: Call) -> None:
        if self._numbers is not None and call.number not in self._numbers:
            return
        cond = self._stage.cond
        with cond:
            self.arrived += 1
            self.inside += 1
            self.most_inside = max(self.most_inside, self.inside)
            cond.notify_all()
            cond.wait_for(lambda: not self._closed, HOLD_LIMIT)
            self.inside -= 1
            cond.notify_all()

    def close(self) -> None:
        with self._stage.cond:
            self._closed = True

    def open(self) -> None:
        with self._stage.cond:
            self._closed = False
            self._stage.cond.notify_all()


class Meeting:
    """A FakeService ``before_reply`` hook: each call waits (briefly) until ``parties`` are in.

    Calls that really run concurrently all get in; calls serialised by a lock arrive one at a
    time, each waits out the timeout alone, and ``most_inside`` stays at 1.
    """

    def __init__(self, stage: Stage, parties: int, timeout: float = 0.5) -> None:
        self._stage = stage
        self._parties = parties
        self._timeout = timeout
        self.arrived = 0
        self.inside = 0
        self.most_inside = 0

    def __call__(self, call: Call) -> None:
        cond = self._stage.cond
        with cond:
            self.arrived += 1
            self.inside += 1
            self.most_inside = max(self.most_inside, self.inside)
            cond.notify_all()
            cond.wait_for(lambda: self.arrived >= self._parties, self._timeout)
            self.inside -= 1
            cond.notify_all()


def waiting_inside(thread: threading.Thread, graded: Collection[str],
                   look: float = 0.005) -> bool:
    """Whether ``thread`` is made to wait inside the graded module: its operating-system
    thread sleeps on two looks ``look`` seconds apart (this thread sleeps in between, so the
    GIL is free) at the same place, in graded code or in ``threading`` called from it (a
    Semaphore, a Condition). A caller the breaker turns away at once never sleeps there.
    Linux only (``/proc``); elsewhere the answer is always False."""
    where = _place(thread, graded)
    if where is None or not _sleeping(thread):
        return False
    time.sleep(look)
    return _place(thread, graded) == where and _sleeping(thread)


def _place(thread: threading.Thread, graded: Collection[str]) -> tuple[Any, int] | None:
    """Where ``thread`` is, if it is in graded code or in ``threading`` called from it (through
    the grader's guard on real waits, when it is installed)."""
    top = sys._current_frames().get(thread.ident or -1)
    frame = waited_for(top)
    if frame is None or frame.f_code.co_filename not in graded or top is None:
        return None
    return top.f_code, top.f_lasti


#: Code a thread waits in on behalf of its caller: ``threading`` and the grader's guards.
WAITING_CODE = frozenset({threading.__file__, guards.__file__})


def waited_for(frame: FrameType | None) -> FrameType | None:
    """The frame on whose behalf ``frame`` waits: the first one out of ``WAITING_CODE``."""
    while frame is not None and frame.f_code.co_filename in WAITING_CODE:
        frame = frame.f_back
    return frame


def os_sleeps(thread: threading.Thread) -> bool | None:
    """Whether the operating system has ``thread`` asleep (waiting for a lock, a condition,
    I/O), not running or waiting for a CPU; None where it cannot tell (no Linux ``/proc``)."""
    try:
        with open(f"/proc/self/task/{thread.native_id}/stat", "rb") as stat:
            state = stat.read().rsplit(b")", 1)[1].split()[0]
    except (OSError, IndexError):
        return None
    return state in (b"S", b"D")


def _sleeping(thread: threading.Thread) -> bool:
    return bool(os_sleeps(thread))


class Caller:
    """One thread calling into the breaker; ``outcome`` is set when it returns or raises."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.outcome: Outcome | None = None
        self.thread: threading.Thread | None = None

    @property
    def done(self) -> bool:
        return self.outcome is not None

    def __str__(self) -> str:
        return f"{self.name}: {self.outcome}" if self.outcome else f"{self.name}: still running"


class Crowd:
    """Callers on daemon threads. Never waits for a thread longer than it is told."""

    def __init__(self, stage: Stage) -> None:
        self._stage = stage
        self.callers: list[Caller] = []
        self._waiting = 0

    def start_together(self, actions: dict[str, Callable[[], Any]]) -> list[Caller]:
        """Start one thread per action and let them all go at once, when all are running.

        Thread start-up can take a while on a busy machine; releasing the callers together
        keeps that delay out of the races and meetings the checks set up.
        """
        go = threading.Event()
        callers = [self.start(name, action, go=go) for name, action in actions.items()]
        self._stage.wait_for(lambda: self._waiting >= len(callers))
        go.set()
        return callers

    def start(self, name: str, action: Callable[[], Any], *,
              go: threading.Event | None = None) -> Caller:
        """Run ``action`` on a daemon thread (after ``go`` is set, when given)."""
        caller = Caller(name)
        cond = self._stage.cond

        def run() -> None:
            if go is not None:
                with cond:
                    self._waiting += 1
                    cond.notify_all()
                go.wait(WAIT)
            try:
                outcome = Outcome(value=action())
            except BaseException as error:  # noqa: BLE001 - recorded, judged by the check
                outcome = Outcome(error=error)
            with cond:
                caller.outcome = outcome
                cond.notify_all()

        caller.thread = threading.Thread(target=run, name=f"kata-{name}", daemon=True)
        self.callers.append(caller)
        caller.thread.start()
        return caller

    @property
    def finished(self) -> list[Caller]:
        return [c for c in self.callers if c.done]

    @property
    def running(self) -> list[Caller]:
        return [c for c in self.callers if not c.done]

    def join(self, timeout: float = WAIT) -> list[Caller]:
        """Wait for every caller to return; the callers still running after ``timeout``."""
        deadline = time.monotonic() + timeout
        for caller in self.callers:
            assert caller.thread is not None
            caller.thread.join(max(0.0, deadline - time.monotonic()))
        return self.running

    def reraise_unwritten(self) -> None:
        """A caller that hit the starter's NotImplementedError: report that, as a check would."""
        for caller in self.finished:
            assert caller.outcome is not None
            if isinstance(caller.outcome.error, NotImplementedError):
                raise caller.outcome.error

    def describe(self) -> str:
        return "\n".join(str(c) for c in self.callers)
