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
other thread moves again. That costs one short wait per contended update, and only for code
that locks.

Running on alone ends where the lock may have been released: right after an instruction
that may release one (the end of a ``with`` block, a call of ``release``, ``__exit__`` or
``wait``), the running thread lets the blocked one come back, if it can, before going on.
Otherwise a thread that ran alone out of one locked section would also run alone through
what follows it, and an unlocked check placed *after* a locked section (read the state under
the lock, then test the permits without it) would never be raced.
"""

from __future__ import annotations

import dis
import sys
import threading
import time
from types import FrameType
from typing import Any, Callable, Collection

#: Instructions during which a thread may block (acquiring a lock is a call or a `with`).
#: PRECALL (Python 3.11) only gets a call ready: it never runs one.
_MAY_BLOCK = frozenset(name for name in dis.opmap
                       if ("CALL" in name or "WITH" in name) and name != "PRECALL")
#: How long to wait for a thread that has not come back from an instruction that cannot block.
_PATIENCE = 1.0
#: How long a thread that may just have released a lock waits for the blocked one, per look.
_PROBE = 0.0005
#: Names whose call may release a lock (``lock.release()``, ``cond.wait()``, ``__exit__``).
_RELEASING_NAMES = frozenset({"release", "__exit__", "wait", "wait_for"})
#: Per code object: the offsets of instructions that may release a lock, and their lines.
_RELEASES: dict[Any, tuple[frozenset[int], frozenset[int]]] = {}


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
        self._may_release: dict[int, bool] = {}
        self._idents: dict[int, int] = {}
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

    def realign(self) -> None:
        """Both threads are about to come back into graded code from code of the check's own
        (after meeting there): forget that either was seen blocked, so that whichever comes
        back first waits for the other and they take turns again from there."""
        with self._cond:
            self._stalled.clear()
            self._cond.notify_all()

    # -- the worker threads -------------------------------------------------------------------

    def _body(self, me: int, action: Callable[[], Any],
              errors: list[BaseException | None]) -> None:
        self._idents[me] = threading.get_ident()
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
            self._stalled.discard(me)
            if self._may_release.get(me) and other in self._stalled and other in self._running:
                self._let_the_blocked_one_back(other)
            self._may_release[me] = _may_release(frame, self._by_line)
            # What this thread runs once it has the turn: may it block (on a lock)? A line
            # may hold any call, so in line steps the answer is always yes.
            self._may_block[me] = self._by_line or _opname(frame) in _MAY_BLOCK
            self._cond.notify_all()  # a waiting thread re-reads how patient to be
            if me in self._started and self._active(other):
                self._turn = other
                self._cond.notify_all()
            self._started.add(me)
            waited = 0.0
            while self._turn != me and self._active(other):
                patience = self._stall_timeout if self._may_block.get(other) else _PATIENCE
                if not self._cond.wait(patience) and self._turn != me:
                    waited += patience
                    if waited < _PATIENCE and (self._busy_elsewhere(other)
                                               or not self._asleep(other)):
                        continue  # running (or paused by a busy machine), not blocked: wait
                    self._stalled.add(other)  # blocked (on a lock we cannot see): run alone
                    self.stalls += 1
            self._turn = me

    def _let_the_blocked_one_back(self, other: int) -> None:
        """(Condition held.) This thread may just have released the lock ``other`` is blocked
        on: wait, briefly, for ``other`` to come back, so that the two take turns again.

        Waiting releases the GIL, so a thread that now holds the lock can run. One that is
        runnable, or already inside this module on its way back, is waited for (up to
        ``_PATIENCE``); one that sleeps through two looks is still blocked elsewhere."""
        deadline = time.monotonic() + _PATIENCE
        looks = 0
        while other in self._stalled and other in self._running:
            self._cond.wait(_PROBE)
            if other not in self._stalled or other not in self._running:
                return
            if self._coming_back(other) or not self._asleep(other):
                if time.monotonic() < deadline:
                    continue
                return
            looks += 1
            if looks >= 2:
                return

    def _coming_back(self, thread: int) -> bool:
        """Whether ``thread`` is inside this module (in ``_step``, about to take turns)."""
        frame = sys._current_frames().get(self._idents.get(thread, -1))
        return frame is not None and frame.f_code.co_filename == __file__

    def _busy_elsewhere(self, thread: int) -> bool:
        """Whether ``thread`` is running Python code that is neither graded nor ``threading``'s
        (the check's own functions, a fake service, dataclasses...): such code does not wait
        for the graded module's lock, so the thread is only slow, not blocked. A thread in a
        call into C straight from graded code (``lock.acquire``, ``with lock``), or inside
        ``threading`` (a Semaphore, a Condition), may be blocked."""
        frame = sys._current_frames().get(self._idents.get(thread, -1))
        if frame is None:
            return False
        filename = frame.f_code.co_filename
        return filename not in self._graded and filename != threading.__file__

    def _asleep(self, thread: int) -> bool:
        """Whether the OS says ``thread`` is sleeping (waiting on a lock, a condition...), not
        running or waiting for a CPU. Read from ``/proc`` where there is one (Linux); elsewhere
        every thread that does not come back in time is taken to be blocked."""
        native = self._natives.get(thread)
        try:
            with open(f"/proc/self/task/{native}/stat", "rb") as stat:
                fields = stat.read().rsplit(b")", 1)[1].split()
        except (OSError, IndexError):
            return True
        return fields[0] in (b"S", b"D")

    def _active(self, thread: int) -> bool:
        return thread in self._running and thread not in self._stalled


def _may_release(frame: FrameType, by_line: bool) -> bool:
    """Whether what ``frame`` runs next (its next instruction, or its line) may release a
    lock: the call that ends a ``with`` block, a ``with`` left by an exception, or a call of
    ``release``, ``__exit__``, ``wait`` or ``wait_for``."""
    code = frame.f_code
    found = _RELEASES.get(code)
    if found is None:
        offsets, lines = set(), set()
        instructions = list(dis.get_instructions(code))
        line = code.co_firstlineno
        for number, instruction in enumerate(instructions):
            if instruction.starts_line is not None:
                line = instruction.starts_line
            name = instruction.opname
            releasing = name == "WITH_EXCEPT_START"
            if "CALL" in name and name != "PRECALL":
                before = instructions[max(0, number - 4):number]
                releasing = (any(isinstance(b.argval, str) and b.argval in _RELEASING_NAMES
                                 for b in before)
                             or sum(b.opname == "LOAD_CONST" and b.argval is None
                                    for b in before) >= 3)  # __exit__(None, None, None)
            if releasing:
                offsets.add(instruction.offset)
                lines.add(line)
        found = _RELEASES[code] = (frozenset(offsets), frozenset(lines))
    return frame.f_lineno in found[1] if by_line else frame.f_lasti in found[0]


def _opname(frame: FrameType) -> str:
    code = frame.f_code.co_code
    offset = frame.f_lasti
    return dis.opname[code[offset]] if 0 <= offset < len(code) else ""
