"""Run one grading in a child process and say what happened, whatever the learner's code does.

The parent never imports the learner's code (nor pytest): it starts ``python -m kata.child``,
reads its events (see ``kata.child``), enforces a hard time limit per phase, and turns an early
end into one line naming what happened: ``os._exit``, a signal, a crash, memory, a check that
would not stop. The hard limit scales with the number of checks because it is counted per
check: each check gets its own limit, plus a grace, plus a backstop.
"""

from __future__ import annotations

import json
import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from .limits import BACKSTOP_SECONDS, BETWEEN_CHECKS_SECONDS, STARTUP_LIMIT_SECONDS, grace
from .manifest import ROOT, Lesson

Explanation = list[tuple[str, str]]

#: How much of the child's raw output (writes that bypass ``print``) is kept: head and tail.
RAW_KEEP_BYTES = 16_384


@dataclass
class Check:
    name: str
    limit: float
    outcome: str | None = None  # passed / failed / skipped, or None: never finished
    explanation: Explanation = field(default_factory=list)
    printed: dict[str, Any] | None = None
    timed_out: bool = False  #: stopped by its time limit (and grading stopped with it)


@dataclass
class Run:
    """Everything the child reported, and how it ended."""

    problem: Explanation | None = None  #: the module cannot be graded (no check ran)
    import_printed: dict[str, Any] | None = None
    checks: list[Check] = field(default_factory=list)
    finished: bool = False  #: the child reported every check and said "done"
    stopped: Explanation | None = None  #: why grading ended early, when it did
    stopped_at: int | None = None  #: the check that was running then
    grader_problems: list[str] = field(default_factory=list)
    threads_left: list[str] = field(default_factory=list)
    raw_output: str = ""
    raw_bytes: int = 0
    cancelled: bool = False
    seconds: float = 0.0

    @property
    def passed(self) -> int:
        return sum(check.outcome == "passed" for check in self.checks)

    @property
    def counted(self) -> int:
        """Checks that count towards the total (a skipped check does not)."""
        return sum(check.outcome != "skipped" for check in self.checks)

    def progress(self) -> str:
        """The status line while it runs: "grading… 3 of 17"."""
        done = sum(check.outcome is not None for check in self.checks)
        return f"grading… {done} of {len(self.checks)}" if self.checks else "grading…"

    @property
    def complete(self) -> bool:
        """Every check passed, as reported by a child that finished: exit status 0."""
        return (self.finished and self.problem is None and self.stopped is None
                and not self.grader_problems and self.counted > 0
                and self.passed == self.counted)


class _RawOutput:
    """What the child wrote to its standard error: the first and last bytes, and a count."""

    def __init__(self, echo: bool) -> None:
        self.head = bytearray()
        self.tail = bytearray()
        self.total = 0
        self.echo = echo

    def drain(self, stream: Any) -> None:
        for chunk in iter(lambda: stream.read1(65536), b""):
            self.total += len(chunk)
            if self.echo:  # verbose mode: pytest's own output, passed through
                sys.stdout.buffer.write(chunk)
                sys.stdout.flush()
                continue
            if len(self.head) < RAW_KEEP_BYTES:
                self.head += chunk[:RAW_KEEP_BYTES - len(self.head)]
            self.tail = (self.tail + chunk)[-RAW_KEEP_BYTES:]

    def text(self) -> str:
        data = bytes(self.head) if self.total <= RAW_KEEP_BYTES else \
            bytes(self.head) + b"\n...\n" + bytes(self.tail)
        return data.decode("utf-8", "replace")

    def last(self) -> str:
        return bytes(self.tail).decode("utf-8", "replace")


def child_command(lesson: Lesson, impl_dir: Path, verbose: bool) -> list[str]:
    command = [sys.executable, "-m", "kata.child", str(lesson.number), str(impl_dir)]
    return command + (["--verbose"] if verbose else [])


def supervise(lesson: Lesson, impl_dir: Path, *, verbose: bool = False,
              on_event: Callable[[str, Run], None] | None = None,
              cancelled: Callable[[], bool] | None = None) -> Run:
    """Grade in a child process; ``on_event`` sees each event, ``cancelled`` can stop it."""
    started = time.monotonic()
    run = Run()
    raw = _RawOutput(echo=verbose)
    posix = os.name == "posix"
    process = subprocess.Popen(
        child_command(lesson, impl_dir, verbose), cwd=ROOT, stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
        start_new_session=posix,  # one process group: a stop ends whatever it started too
        creationflags=0 if posix else subprocess.CREATE_NEW_PROCESS_GROUP)
    events: queue.Queue[dict[str, Any] | None] = queue.Queue()
    threading.Thread(target=_read_events, args=(process.stdout, events), daemon=True).start()
    drainer = threading.Thread(target=raw.drain, args=(process.stderr,), daemon=True)
    drainer.start()

    deadline = started + STARTUP_LIMIT_SECONDS
    phase = "startup"  # startup / import / collect / check / between
    inband = True
    running: int | None = None
    try:
        while True:
            wait = max(0.0, min(deadline - time.monotonic(), 0.1))
            try:
                event = events.get(timeout=wait)
            except queue.Empty:
                if cancelled is not None and cancelled():
                    run.cancelled = True
                    break
                if time.monotonic() >= deadline:
                    run.stopped = _overran(phase, run, running, inband, raw, lesson, impl_dir)
                    run.stopped_at = running
                    break
                continue
            if event is None:  # the channel closed: the child has ended
                break
            kind = event["event"]
            now = time.monotonic()
            if kind == "ready":
                inband = event["inband_timeouts"]
                phase, deadline = "collect", now + STARTUP_LIMIT_SECONDS
            elif kind == "importing":
                phase = "import"
                deadline = now + event["limit"] + grace(inband) + BACKSTOP_SECONDS
            elif kind == "problem":
                run.problem = [tuple(pair) for pair in event["explanation"]]
                run.import_printed = event["printed"]
                phase, deadline = "between", now + BETWEEN_CHECKS_SECONDS
            elif kind == "imported":
                run.import_printed = event["printed"]
                phase, deadline = "collect", now + STARTUP_LIMIT_SECONDS
            elif kind == "collected":
                run.checks = [Check(c["name"], c["limit"]) for c in event["checks"]]
                phase, deadline = "between", now + BETWEEN_CHECKS_SECONDS
            elif kind == "start":
                running = event["index"]
                limit = run.checks[running].limit
                phase, deadline = "check", now + limit + grace(inband) + BACKSTOP_SECONDS
            elif kind == "result":
                check = run.checks[event["index"]]
                check.outcome = event["outcome"] or "failed"
                check.explanation = [tuple(pair) for pair in event["explanation"]]
                check.printed = event["printed"]
                check.timed_out = event["timed_out"]
                running = None
                phase, deadline = "between", now + BETWEEN_CHECKS_SECONDS
            elif kind == "done":
                run.grader_problems = event["problems"]
                run.threads_left = event["threads"]
                run.finished = True
                phase, deadline = "between", now + BETWEEN_CHECKS_SECONDS
            if on_event is not None:
                on_event(kind, run)
    finally:
        if process.poll() is None and not run.finished:
            _stop(process)
        if run.finished or run.problem is not None:
            try:
                process.wait(timeout=BETWEEN_CHECKS_SECONDS)
            except subprocess.TimeoutExpired:
                _stop(process)
        process.wait()
        drainer.join(timeout=2)
    if not (run.finished or run.problem is not None or run.cancelled or run.stopped):
        run.stopped = _died(process.returncode, phase, run, running, inband, raw, lesson,
                            impl_dir)
        run.stopped_at = running
    run.raw_output, run.raw_bytes = raw.text(), raw.total
    run.seconds = time.monotonic() - started
    return run


def _read_events(stream: Any, events: queue.Queue[dict[str, Any] | None]) -> None:
    for line in stream:
        try:
            events.put(json.loads(line))
        except ValueError:
            pass  # not ours; only the child's own code writes to this channel
    events.put(None)


def _stop(process: subprocess.Popen[bytes]) -> None:
    """End the child and everything it started."""
    try:
        if os.name == "posix":
            os.killpg(process.pid, signal.SIGKILL)
        else:
            process.kill()
    except (ProcessLookupError, PermissionError, OSError):
        pass


def _doing(phase: str, run: Run, running: int | None) -> str:
    if running is not None and running < len(run.checks):
        return f"while the check “{run.checks[running].name}” ran"
    return {"import": "while your module was being imported",
            "startup": "before your code ran",
            "collect": "while the checks were being collected"}.get(phase, "between two checks")


def _where(raw: _RawOutput, lesson: Lesson, impl_dir: Path) -> str:
    """The learner's line in a traceback dump (faulthandler's), if there is one."""
    target = str(lesson.learner_file(impl_dir).resolve())
    for path, line, function in re.findall(r'File "(.+)", line (\d+) in (\S+)', raw.last()):
        if path == target:
            shown = lesson.learner_file(impl_dir)
            try:
                shown = shown.resolve().relative_to(ROOT)
            except ValueError:
                pass
            return f"{shown}, line {line}, in {function}"
    return ""


def _overran(phase: str, run: Run, running: int | None, inband: bool, raw: _RawOutput,
             lesson: Lesson, impl_dir: Path) -> Explanation:
    where = _where(raw, lesson, impl_dir)
    at = f" Your code was at {where}." if where else ""
    if phase in ("check", "import"):
        what = (f"the check “{run.checks[running].name}”" if running is not None
                else "importing your module")
        limit = run.checks[running].limit if running is not None else None
        if inband:
            return [("", f"grading stopped: {what} kept running past its time limit"
                         f"{f' of {limit:g} s' if limit else ''}, so the grader ended it.{at} "
                         f"Does your code catch every exception (a bare `except:` or `except "
                         f"BaseException:`) inside a loop? That also catches the grader's "
                         f"interruption; catch `Exception` instead.")]
        return [("", f"timed out: {what} did not finish within its time limit"
                     f"{f' of {limit:g} s' if limit else ''}.{at} An infinite loop, a "
                     f"deadlock, or a wait that never ends?")]
    return [("", f"grading stopped: the grader did not answer {_doing(phase, run, running)} "
                 f"(not your code, most likely: a very busy machine?). Run the check again.")]


_CRASH_SIGNALS = {"SIGSEGV": "a segmentation fault", "SIGBUS": "a bus error",
                  "SIGILL": "an illegal instruction", "SIGFPE": "a floating-point exception",
                  "SIGABRT": "an abort"}
_WINDOWS_CRASHES = {0xC0000005: "an access violation", 0xC00000FD: "a stack overflow"}


def _died(status: int, phase: str, run: Run, running: int | None, inband: bool,
          raw: _RawOutput, lesson: Lesson, impl_dir: Path) -> Explanation:
    """One line naming how the child ended before it said "done"."""
    doing = _doing(phase, run, running)
    where = _where(raw, lesson, impl_dir)
    at = f" Your code was at {where}." if where else ""
    tail = raw.last()
    if "Timeout (" in tail and "most recent call first" in tail:  # the child's own watchdog
        return _overran(phase, run, running, inband, raw, lesson, impl_dir)
    if status < 0:
        name = _signal_name(-status)
        if name in _CRASH_SIGNALS:
            return [("", f"grading stopped: the grading process crashed with "
                         f"{_CRASH_SIGNALS[name]} ({name}) {doing}.{at} Python code alone "
                         f"cannot do this: ctypes, a C extension, or deep recursion?")]
        if name == "SIGKILL":
            return [("", f"grading stopped: the grading process was killed (SIGKILL) {doing}: "
                         f"usually the system running out of memory. A list or dict that "
                         f"grows without bound?")]
        return [("", f"grading stopped: the grading process was ended by {name} {doing}. "
                     f"Does your code send signals (os.kill, signal.raise_signal)?")]
    if status & 0xFFFFFFFF in _WINDOWS_CRASHES:
        return [("", f"grading stopped: the grading process crashed with "
                     f"{_WINDOWS_CRASHES[status & 0xFFFFFFFF]} {doing}.{at}")]
    if "MemoryError" in tail:
        return [("", f"grading stopped: the grading process ran out of memory {doing}. A list "
                     f"or dict that grows without bound?")]
    return [("", f"grading stopped: the grading process ended (exit status {status}) "
                 f"{doing}.{at} Does your code call os._exit() or end the process another "
                 f"way? Return a value or raise an exception instead: os._exit ends the whole "
                 f"program on the spot.")]


def _signal_name(number: int) -> str:
    try:
        return signal.Signals(number).name
    except ValueError:
        return f"signal {number}"
