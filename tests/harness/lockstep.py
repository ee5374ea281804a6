"""Run two threads in lockstep through graded code: a race provoked on purpose, every time.

Under CPython's GIL a read-modify-write such as ``self._tokens -= 1`` almost never loses an
update by chance, so an unlocked counter would pass a check that relies on luck. Instead,
:class:`Lockstep` makes two threads take turns.

**Forcing the interleaving.** A trace function (``sys.settrace``, in the two worker threads
only) stops each thread before every bytecode instruction (or every line, ``by_line=True``)
of the graded module; there the thread hands the turn to the other one and waits to get it
back. So both threads read the tokens before either writes them back (an unlocked update is
lost on every run), or, in line steps, both pass ``if tokens >= 1:`` before either runs
``tokens -= 1``. Code outside the graded module (the check's own, the standard library) runs
untraced.

**Telling a blocked thread from a paused one.** A correct implementation holds a lock around
each update, so one thread often cannot take its turn: it is blocked inside the call that
acquires the lock the other one holds. Waiting for it would deadlock; giving up on it too
soon would let one thread run alone where the two should have met. So the thread that waits
for its turn looks at the other one every millisecond or so, with the GIL free meanwhile,
and asks the operating system (Linux ``/proc``) whether it is *asleep*, that is, waiting for
something (a lock, a condition) rather than running or waiting for a CPU. Asleep on two
looks in a row, at the same place, and not run once in between: blocked, and the waiting
thread runs on alone. (A thread that waits for the GIL also reads as asleep, but it is woken
each time the waiting thread frees the GIL, so it has run, or is runnable, by the next
look.) Merely slow (a busy machine): waited for, up to a second. Where there is no
``/proc``, a thread that has not come back from a call within 30 ms is taken to be blocked.

**Getting back in step.** While one thread runs alone, the other is blocked on its lock.
After each instruction that may release a lock (the end of a ``with`` block, a call of
``release``, ``__exit__``, ``wait`` or ``wait_for``), the running thread gives the blocked one
a moment to come back. The one that comes back is behind: it runs alone until it reaches
the instruction where the other one waits, or has taken as many steps, and from there the
two take turns again. So a lock taken and released *before* an unlocked update (a counter
kept under the lock, the tokens updated after it), or a permit tested *between* two locked
sections, still finds both threads side by side where the race is. When the two threads
meet in the check's own code, the check calls :meth:`Lockstep.realign` so that they come
back into graded code in step.

A thread that finishes leaves the other to run alone. Each blocked thread costs a couple of
milliseconds, and only code that locks pays it.
"""

from __future__ import annotations

import dis
import sys
import threading
from types import CodeType, FrameType
from typing import Any, Callable, Collection

from .threads import os_sleeps, waited_for

#: The first look at a thread that has not taken its turn, in seconds; each later look waits
#: twice as long as the one before, up to ``_LONGEST_LOOK``.
_FIRST_LOOK = 0.0005
_LONGEST_LOOK = 0.02
#: How long to wait for a thread that is running, or waiting for a CPU, before giving up on it.
_PATIENCE = 1.0
#: Where the OS cannot say whether a thread sleeps (no /proc): how long before a thread that
#: has not come back from a call is taken to be blocked.
_UNSURE = 0.03
#: Instructions during which a thread may block (acquiring a lock is a call or a ``with``).
#: PRECALL (Python 3.11) only gets a call ready: it never runs one.
_MAY_BLOCK = frozenset(name for name in dis.opmap
                       if ("CALL" in name or "WITH" in name) and name != "PRECALL")
#: Names whose call may release a lock (``lock.release()``, ``cond.wait()``, ``__exit__``).
_RELEASING_NAMES = frozenset({"release", "__exit__", "wait", "wait_for"})

#: Where a thread takes its next step: a code object and an instruction offset (or line).
Place = tuple[CodeType, int]
#: Where a sleeping thread sleeps, and how many times it has run on a CPU.
Sleep = tuple[CodeType, int, int]


class Lockstep:
    """Two actions on two threads, taking turns one instruction (or line) at a time inside
    graded code."""

    def __init__(self, graded_files: Collection[str], *, by_line: bool = False) -> None:
        self._graded = graded_files
        self._by_line = by_line
        self._cond = threading.Condition(threading.Lock())
        self._turn = 0
        self._running: set[int] = set()
        self._blocked: set[int] = set()
        self._threads: list[threading.Thread] = []
        # Per thread: the steps it has taken, where it waits to take the next one, and whether
        # that next instruction may block (wait for a lock) or may release one.
        self._steps = [0, 0]
        self._at: list[Place | None] = [None, None]
        self._may_block = [False, False]
        self._may_release = [False, False]

    def run(self, first: Callable[[], Any], second: Callable[[], Any],
            timeout: float = 2.0) -> list[BaseException | None]:
        """Run both actions; the error each raised (``None`` if it returned)."""
        errors: list[BaseException | None] = [None, None]
        self._running = {0, 1}
        self._threads = [threading.Thread(target=self._body, args=(i, action, errors),
                                          daemon=True, name=f"lockstep-{i}")
                         for i, action in enumerate((first, second))]
        for thread in self._threads:
            thread.start()
        for thread in self._threads:
            thread.join(timeout)
        if any(thread.is_alive() for thread in self._threads):
            raise TimeoutError("a lockstep thread did not finish (a deadlock?)")
        return errors

    def realign(self) -> None:
        """Called by both threads when they are about to come back into graded code from the
        check's own code, after meeting there: neither is blocked nor behind, so whichever
        comes back first waits for the other, and they take turns again from there."""
        with self._cond:
            self._blocked.clear()
            self._steps = [max(self._steps)] * 2
            self._cond.notify_all()

    # -- the worker threads -------------------------------------------------------------------

    def _body(self, me: int, action: Callable[[], Any],
              errors: list[BaseException | None]) -> None:
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
        """Before each instruction (or line): hand the turn over, wait to get it back."""
        other = 1 - me
        with self._cond:
            released = self._may_release[me]  # by the instruction this thread just ran
            self._blocked.discard(me)
            self._at[me] = (frame.f_code, frame.f_lineno if self._by_line else frame.f_lasti)
            self._may_release[me] = _may_release(frame, self._by_line)
            self._may_block[me] = self._by_line or _opname(frame) in _MAY_BLOCK
            if released and other in self._blocked and other in self._running:
                self._let_back(other)
            if self._active(other) and not self._behind(me):
                self._turn = other
            self._cond.notify_all()
            self._wait_for_turn(me)
            self._steps[me] += 1

    def _behind(self, me: int) -> bool:
        """(Condition held.) Whether ``me`` came back from being blocked and is still catching
        up with the other thread: fewer steps taken, and not yet where the other one waits."""
        other = 1 - me
        return self._steps[me] < self._steps[other] and self._at[me] != self._at[other]

    def _wait_for_turn(self, me: int) -> None:
        """(Condition held.) Wait until the other thread hands the turn back, finishes, or is
        found blocked."""
        other = 1 - me
        waited, look, sleeping_at = 0.0, _FIRST_LOOK, None
        while self._turn != me and self._active(other):
            if self._cond.wait(look):  # it moved (or came back): wait for its next move afresh
                waited, look, sleeping_at = 0.0, _FIRST_LOOK, None
                continue
            if self._turn == me or not self._active(other):
                continue
            waited += look
            look = min(2 * look, _LONGEST_LOOK)
            where = self._sleeping_at(other)
            if where is None:  # no /proc: a thread that has not come back in time is blocked
                blocked = waited >= (_UNSURE if self._may_block[other] else _PATIENCE)
            elif where:  # asleep: blocked if it still is, where it was, not run in between
                blocked, sleeping_at = where == sleeping_at or waited >= _PATIENCE, where
            else:  # running, or waiting for a CPU: slow, not blocked (unless it never returns)
                blocked, sleeping_at = waited >= _PATIENCE, None
            if blocked:
                self._blocked.add(other)  # run on alone until it comes back
        self._turn = me

    def _let_back(self, other: int) -> None:
        """(Condition held.) This thread may just have released the lock ``other`` is blocked
        on: give ``other`` the time to come back, so that the two get back in step. Waiting
        frees the GIL, so a thread the release woke comes back within moments; one that still
        sleeps at the same place on two looks is blocked on something else."""
        waited, look, sleeping_at = 0.0, _FIRST_LOOK, None
        while other in self._blocked and other in self._running and waited < _PATIENCE:
            self._cond.wait(look)
            waited += look
            where = self._sleeping_at(other)
            if where is None or (where and where == sleeping_at):
                return  # still asleep (or the OS cannot tell): go on without it
            sleeping_at = where or None

    def _sleeping_at(self, thread: int) -> Sleep | bool | None:
        """Where ``thread`` sleeps (its innermost Python frame) and how many times it has run
        on a CPU so far, if the OS has it asleep; False if it is running, waiting for a CPU, or
        coming back into this module to take its turn; None where the OS cannot tell (no Linux
        ``/proc``)."""
        worker = self._threads[thread]
        asleep = os_sleeps(worker)
        if asleep is None:
            return None
        try:  # the third figure: how many times the thread has been given a CPU
            with open(f"/proc/self/task/{worker.native_id}/schedstat", "rb") as schedstat:
                runs = int(schedstat.read().split()[2])
        except (OSError, IndexError, ValueError):
            runs = -1  # not counted (an old kernel): judged by the place alone
        top = sys._current_frames().get(worker.ident or -1)
        if not asleep or top is None:
            return False
        outer = waited_for(top)
        if outer is not None and outer.f_code.co_filename == __file__:
            return False  # waiting for this module's condition: it is taking its turn
        return top.f_code, top.f_lasti, runs

    def _active(self, thread: int) -> bool:
        return thread in self._running and thread not in self._blocked


#: Per code object: the offsets of instructions that may release a lock, and their lines.
_RELEASES: dict[CodeType, tuple[frozenset[int], frozenset[int]]] = {}


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
