"""Run two threads in lockstep through graded code: a race provoked on purpose, every time.

Under CPython's GIL a read-modify-write such as ``self._tokens -= 1`` almost never loses an
update by chance, so an unlocked budget would pass a check that relies on luck. Instead, a
trace function (``sys.settrace``, in the two worker threads only) stops each thread before
every bytecode instruction (or every line, ``by_line=True``) of the graded module and hands
the turn to the other thread: the threads take turns, one step each.

* Instruction steps: both threads read the tokens before either writes them back, so an
  unlocked update is lost on every run.
* Line steps: both threads pass ``if tokens >= 1:`` before either runs ``tokens -= 1``, so an
  unlocked check-then-decrement goes below 0 on every run.

A correct budget holds a lock around each update. When one thread holds it, the other blocks
inside the call that acquires it and cannot take its turn; the holder notices that the other
thread has not come back from a call within ``stall_timeout`` and runs on alone until the
other thread moves again. After each call it makes meanwhile (one of them releases the lock)
it gives the other the time to come back; the one that was blocked then runs alone until it
has taken as many steps as the holder, and the turns resume. So a lock taken and released
*before* an unlocked update (a counter kept under the lock, the tokens updated after it) does
not put the threads out of step: they still reach that update side by side.

A thread that does not come back in time is taken to be blocked only if the OS says it sleeps
(Linux ``/proc``); one that is merely waiting for a CPU on a busy machine is waited for, so
the turns hold under load. That costs a few milliseconds per contended update, and only for
code that locks.
"""

from __future__ import annotations

import dis
import sys
import threading
from types import FrameType
from typing import Any, Callable, Collection

#: Instructions during which a thread may block (acquiring a lock is a call or a `with`).
#: PRECALL (Python 3.11) only gets a call ready: it never runs one.
_MAY_BLOCK = frozenset(name for name in dis.opmap
                       if ("CALL" in name or "WITH" in name) and name != "PRECALL")
#: How long to wait for a thread that has not come back from an instruction that cannot block.
_PATIENCE = 1.0
#: Where the OS cannot say whether a thread sleeps (no /proc): how long before taking a thread
#: that has not come back from a call to be blocked.
_UNSURE = 0.03


class Lockstep:
    """Two actions on two threads, alternating one instruction at a time inside graded code."""

    def __init__(self, graded_files: Collection[str], *, by_line: bool = False,
                 stall_timeout: float = 0.03) -> None:
        self._graded = graded_files
        self._by_line = by_line
        self._stall_timeout = stall_timeout
        self._cond = threading.Condition()
        self._turn = 0
        self._running: set[int] = set()
        self._stalled: set[int] = set()
        self._started: set[int] = set()
        self._may_block: dict[int, bool] = {}
        self._steps = [0, 0]  # the instructions (or lines) each thread has run
        self._natives: dict[int, int] = {}
        self.stalls = 0

    def run(self, first: Callable[[], Any], second: Callable[[], Any],
            timeout: float = 2.0) -> list[BaseException | None]:
        """Run both actions; the error each raised (``None`` if it returned)."""
        errors: list[BaseException | None] = [None, None]
        self._running = {0, 1}
        threads = [threading.Thread(target=self._body, args=(i, action, errors), daemon=True,
                                    name=f"lockstep-{i}")
                   for i, action in enumerate((first, second))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout)
        if any(thread.is_alive() for thread in threads):
            raise TimeoutError("a lockstep thread did not finish (a deadlock?)")
        return errors

    # -- the worker threads -------------------------------------------------------------------

    def _body(self, me: int, action: Callable[[], Any],
              errors: list[BaseException | None]) -> None:
        self._natives[me] = threading.get_native_id()
        sys.settrace(self._tracer(me))
        try:
            action()
        except BaseException as error:  # reported to the check, whatever it is
            errors[me] = error
        finally:
            sys.settrace(None)
            with self._cond:
                self._running.discard(me)
                self._turn = 1 - me
                self._cond.notify_all()

    def _tracer(self, me: int) -> Callable[[FrameType, str, Any], Any]:
        step_on = "line" if self._by_line else "opcode"

        def local(frame: FrameType, event: str, arg: Any) -> Any:
            if event == step_on:
                self._step(me, frame)
            return local

        def global_(frame: FrameType, event: str, arg: Any) -> Any:
            if frame.f_code.co_filename not in self._graded:
                return None
            frame.f_trace_opcodes = not self._by_line
            frame.f_trace_lines = self._by_line
            return local

        return global_

    def _step(self, me: int, frame: FrameType) -> None:
        """Before each instruction (or line): pass the turn to the other thread, wait for it."""
        other = 1 - me
        with self._cond:
            if other in self._stalled and self._may_block.get(me):
                # What this thread just ran may have released the lock the other one waits
                # for: let the other come back first, so the two resume in step right after
                # the release (instead of this thread running on alone, GIL in hand, through
                # whatever it does next outside the lock).
                self._wait_for_release(other)
            self._stalled.discard(me)
            # What this thread runs once it has the turn: may it block (on a lock)? A line
            # may hold any call, so in line steps the answer is always yes.
            self._may_block[me] = self._by_line or _opname(frame) in _MAY_BLOCK
            self._cond.notify_all()  # a waiting thread re-reads how patient to be
            # Hand the turn over, unless this thread is behind: after the other one ran alone
            # (while this one was blocked on a lock), this one first catches up, step for
            # step, so that the two run the code that follows the lock side by side.
            if (me in self._started and self._active(other)
                    and self._steps[other] <= self._steps[me]):
                self._turn = other
                self._cond.notify_all()
            self._started.add(me)
            waited = 0.0
            while self._turn != me and self._active(other):
                patience = self._stall_timeout if self._may_block.get(other) else _PATIENCE
                if not self._cond.wait(patience) and self._turn != me:
                    waited += patience
                    asleep = self._asleep(other)
                    if waited < _PATIENCE and (asleep is False
                                               or (asleep is None and waited < _UNSURE)):
                        continue  # running, or waiting for a CPU on a busy machine: not blocked
                    self._stalled.add(other)  # blocked (on a lock we cannot see): run alone
                    self.stalls += 1
            self._turn = me
            self._steps[me] += 1

    def _active(self, thread: int) -> bool:
        return thread in self._running and thread not in self._stalled

    def _still_stalled(self, thread: int) -> bool:
        """Whether ``thread`` is still running and not back from the call it blocked in."""
        return thread in self._running and thread in self._stalled

    def _wait_for_release(self, other: int) -> None:
        """Give ``other`` (blocked on a lock) the time to come back, in case it was just freed.

        It comes back at once if it was; if the OS still has it asleep after a short wait (the
        GIL is free meanwhile), it is still blocked: go on without it."""
        waited = 0.0
        while self._still_stalled(other) and waited < _PATIENCE:
            self._cond.wait(self._stall_timeout)
            waited += self._stall_timeout
            asleep = self._asleep(other)
            if self._still_stalled(other) and (asleep is True
                                               or (asleep is None and waited >= _UNSURE)):
                return

    def _asleep(self, thread: int) -> bool | None:
        """Whether the OS has ``thread`` asleep (blocked on a lock, a condition...) rather than
        running or waiting for a CPU; ``None`` where it cannot tell (no Linux ``/proc``)."""
        try:
            with open(f"/proc/self/task/{self._natives[thread]}/stat", "rb") as stat:
                state = stat.read().rsplit(b")", 1)[1].split()[0]
        except (OSError, IndexError, KeyError):
            return None
        return state in (b"S", b"D")


def _opname(frame: FrameType) -> str:
    code = frame.f_code.co_code
    offset = frame.f_lasti
    return dis.opname[code[offset]] if 0 <= offset < len(code) else ""
