"""The grading child process: the only process in which the learner's code runs.

``kata.supervise`` starts ``python -m kata.child N IMPL_DIR`` and builds the report from the
events this process writes, one JSON object per line, on the standard output it was started
with. Nothing the learner's code writes can reach that channel: ``print`` and ``sys.stderr``
go into a bounded capture per check, and writes to file descriptors 1 and 2 go to standard
error, which the parent reads and caps. So whatever the learner's code does (``os._exit``, a
crash, a flood of output, a loop that swallows every exception), it cannot fake a verdict: the
parent decides from the events that arrived, and says what happened when they stop early.

Events, in order (``P`` is what the code printed: ``{"text": first lines, "cut": lines cut}``):

    ready      {"inband_timeouts"}             the grader's own imports are done
    importing  {"limit"}                       the learner's module is being imported
    imported   {"printed": P}                  it imported and defines every public name...
    problem    {"explanation", "printed": P}   ...or it cannot be graded (no check runs)
    collected  {"checks": [{"name", "limit"}]} the lesson's checks, in order
    start      {"index"}                       check ``index`` starts: its time limit runs
    result     {"index", "outcome", "explanation", "printed": P, "timed_out"}
    done       {"problems", "threads"}         the grader's own problems, threads left running
"""

from __future__ import annotations

import configparser
import faulthandler
import json
import os
import signal
import sys
import tempfile
import threading
from pathlib import Path
from typing import Any, Callable, Iterator

from .limits import grace
from .commands import suggest
from .manifest import LESSONS_DIR, ROOT, TESTS_DIR, Lesson, by_slug, find
from .manifest import shown as _shown

# The grader's own modules (harness, fake_services) live beside the lessons.
for _path in (str(ROOT), str(TESTS_DIR)):
    if _path not in sys.path:
        sys.path.insert(0, _path)

#: Address space the grading process may use (where the platform lets us set it): enough for
#: the grader with dozens of threads, small enough to stop a runaway list long before the
#: machine swaps.
MEMORY_LIMIT_BYTES = 3 * 1024 ** 3
#: What is kept of the learner's prints, per check and at import.
PRINTED_LINES, PRINTED_LINE_WIDTH, PRINTED_CHARS = 12, 200, 8000

INBAND_TIMEOUTS = hasattr(signal, "SIGALRM") and not os.environ.get("KATA_NO_SIGALRM")
#: pytest plugins a grading never uses (none gives a check a fixture): about 15% of a
#: grading's start. faulthandler is this process's own (``main``).
UNUSED_PLUGINS = [arg for name in (
    "faulthandler", "doctest", "junitxml", "pastebin", "stepwise", "setuponly", "setupplan",
    "unraisableexception", "threadexception") for arg in ("-p", f"no:{name}")]


class Printed:
    """Where ``print`` and ``sys.stderr`` go while the learner's code runs: a temporary file.

    A file (not a list in memory) so that a million prints cost what printing costs, and a
    flood is bounded by the check's time limit, not by memory; only the first lines are read
    back, and the rest are counted.
    """

    def __init__(self) -> None:
        # Write-only text mode: a read-write text file makes every print several times slower.
        self.stream = tempfile.TemporaryFile("w", encoding="utf-8", errors="replace")

    def summary(self) -> dict[str, Any]:
        """``{"text": the first lines, "cut": how many more lines there were}``; then closes."""
        try:
            self.stream.flush()
            fd = self.stream.fileno()
            os.lseek(fd, 0, os.SEEK_SET)  # the stream is closed right after: no one minds
            head = os.read(fd, PRINTED_CHARS * 4)
            newlines, last = head.count(b"\n"), head[-1:] or b"\n"
            while chunk := os.read(fd, 1 << 20):
                newlines += chunk.count(b"\n")
                last = chunk[-1:]
        except (OSError, ValueError):  # the learner's code closed or broke the stream
            return {"text": "", "cut": 0}
        finally:
            self.stream.close()
        total = newlines + (last != b"\n")
        lines = head.decode("utf-8", "replace").splitlines()[:PRINTED_LINES]
        shown = [line if len(line) <= PRINTED_LINE_WIDTH else line[:PRINTED_LINE_WIDTH] + "…"
                 for line in lines]
        return {"text": "\n".join(shown), "cut": max(total - len(shown), 0)}


class CapturedPrints:
    """Send ``print`` and ``sys.stderr`` into a fresh :class:`Printed` while active."""

    def __enter__(self) -> Printed:
        self.saved = sys.stdout, sys.stderr
        self.printed = Printed()
        sys.stdout = sys.stderr = self.printed.stream
        return self.printed

    def __exit__(self, *exc: object) -> None:
        sys.stdout, sys.stderr = self.saved


class Channel:
    """The events, on the file descriptor that was standard output when the process started."""

    def __init__(self) -> None:
        self._file = os.fdopen(os.dup(1), "w", encoding="utf-8")  # not inherited by children
        os.dup2(2, 1)  # the learner's raw writes to fd 1 join fd 2, which the parent caps
        self._lock = threading.Lock()

    def send(self, event: str, **fields: Any) -> None:
        line = json.dumps({"event": event, **fields})
        with self._lock:
            self._file.write(line + "\n")
            self._file.flush()


class Recorder:
    """A channel that keeps the events in memory (grading in this very process)."""

    def __init__(self) -> None:
        self.events: list[dict[str, Any]] = []

    def send(self, event: str, **fields: Any) -> None:
        self.events.append({"event": event, **fields})


def watchdog(seconds: float) -> None:
    """End this process after ``seconds`` (with every thread's traceback on stderr)."""
    faulthandler.dump_traceback_later(seconds, exit=True, file=sys.__stderr__)


class _ImportTimedOut(BaseException):
    """The learner's module did not finish importing within its limit."""


def _alarm(seconds: float) -> Callable[[], None]:
    """Interrupt the main thread after ``seconds`` (where SIGALRM exists); returns the cancel."""
    if not INBAND_TIMEOUTS:
        return lambda: None

    def interrupt(signum: int, frame: object) -> None:
        raise _ImportTimedOut

    previous = signal.signal(signal.SIGALRM, interrupt)
    signal.setitimer(signal.ITIMER_REAL, seconds)

    def cancel() -> None:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)

    return cancel


def default_limit() -> float:
    """A check's time limit unless it says otherwise: KATA_TIMEOUT, else pytest.ini's."""
    if os.environ.get("KATA_TIMEOUT"):
        return float(os.environ["KATA_TIMEOUT"])
    ini = configparser.ConfigParser()
    ini.read(ROOT / "pytest.ini")
    return float(ini.get("pytest", "timeout", fallback="3"))




def import_learner_module(lesson: Lesson, impl_dir: Path, channel: Channel | Recorder
                          ) -> tuple[list[tuple[str, str]] | None, Printed]:
    """Import the learner's module; ``(why it cannot be graded, or None; what it printed)``."""
    from harness import explain, loader

    path = lesson.learner_file(impl_dir)
    shown = _shown(path)
    printed = Printed()
    if not path.is_file():
        if impl_dir.resolve() == LESSONS_DIR.resolve():
            return [("", f"{shown} not found: `{suggest('restore', lesson.number)}` brings "
                         f"back your last version, `{suggest('reset', lesson.number)}` the "
                         f"starter")], printed
        return [("", f"{shown} not found. The folder to grade must be laid out like "
                     f"lessons/: <folder>/{lesson.slug}/{lesson.module_file}")], printed
    try:
        compile(path.read_bytes(), str(path), "exec")
    except SyntaxError as error:
        lines = [("", f"syntax error in {shown}, line {error.lineno}: {error.msg}")]
        if error.text:
            code = error.text.rstrip("\n")
            pointer = " " * max((error.offset or 1) - 1, 0) + "^"
            lines.append(("", f"    {code}\n    {pointer}"))
        return lines, printed
    except ValueError as error:  # null bytes, on Python 3.11
        return [("", f"{shown} cannot be read as Python source: {error}")], printed

    limit = default_limit()  # importing gets what one check gets
    channel.send("importing", limit=limit)
    watchdog(limit + grace(INBAND_TIMEOUTS))
    cancel = _alarm(limit)
    try:
        with CapturedPrints() as printed:
            module = loader.load(path)
    except _ImportTimedOut as error:
        where = explain.learner_frame(error, path, ROOT)
        at = f"; it was at {where[0]}, in {where[1]}" if where else ""
        return [("", f"importing your module did not finish within {limit:g} s{at}. A loop at the top level of the module? "
                     f"Code that runs at import should only define things.")], printed
    except BaseException as error:  # anything the module does at import time
        explanation = explain.explain(error, path, ROOT)
        explanation[0] = ("", "importing your module failed: " + explanation[0][1])
        return explanation, printed
    finally:
        cancel()
        faulthandler.cancel_dump_traceback_later()

    missing = loader.missing_names(module, lesson.tests_dir)
    if missing:
        names = " and ".join(f"`{name}`" for name in missing)
        return [("", f"{shown} does not define {names}, which this lesson's API requires "
                     f"(see the lesson README)")], printed
    return None, printed


def run_checks(lesson: Lesson, impl_dir: Path, channel: Channel | Recorder,
               verbose: bool) -> None:
    import pytest  # only now: a module that does not import is reported without it

    from .events import Events

    events = Events(channel)
    args = [str(lesson.tests_dir), f"--kata-impl={impl_dir}", f"--rootdir={ROOT}",
            "-c", str(ROOT / "pytest.ini"), *UNUSED_PLUGINS]
    if os.environ.get("KATA_TIMEOUT"):  # the grader's own tests shorten the per-check limit
        args += ["-o", f"timeout={os.environ['KATA_TIMEOUT']}"]
    if not INBAND_TIMEOUTS:  # no SIGALRM: each check's limit is the watchdog's
        args += ["-p", "no:timeout"]
    if verbose:  # pytest's own report, on the terminal (through the parent)
        status = pytest.main([*args, "-v", "--tb=long"], plugins=[events])
    else:  # pytest's own output is replaced by the report; the learner's prints are captured
        with open(os.devnull, "w") as sink:
            saved = sys.stdout
            sys.stdout = sink
            try:
                status = pytest.main([*args, "-q", "-s"], plugins=[events])
            finally:
                sys.stdout = saved
    if not events.index and not events.problems:
        events.problems.append(f"no checks ran (pytest exit status {int(status)})")
    left = [thread.name for thread in threading.enumerate()
            if thread is not threading.main_thread() and not thread.daemon and thread.is_alive()]
    channel.send("done", problems=events.problems, threads=left)


# Grading in this process, for tools that grade many versions of a module from one warmed-up
# process (kata.mutants forks a child per version). A learner's grading never does this: it
# runs ``main`` in a child of its own.

def import_problem(path: Path) -> list[tuple[str, str]] | None:
    """Why the module at ``path`` (``<folder>/<slug>/<module>.py``) cannot be graded, or None."""
    from harness import guards

    guards.install()
    lesson = by_slug(path.parent.name)
    assert lesson is not None, f"{path} is not laid out like lessons/"
    return import_learner_module(lesson, path.parent.parent, Recorder())[0]


def checks_here(lesson: Lesson, impl_dir: Path, verbose: bool = False) -> list[Any]:
    """Run the lesson's checks in this process: one ``kata.report.CheckResult`` per check."""
    from .report import CheckResult

    recorder = Recorder()
    run_checks(lesson, impl_dir, recorder, verbose)
    names: list[str] = []
    results = []
    for event in recorder.events:
        if event["event"] == "collected":
            names = [check["name"] for check in event["checks"]]
        elif event["event"] == "result":
            results.append(CheckResult(names[event["index"]], event["outcome"] or "failed",
                                       [tuple(pair) for pair in event["explanation"]],
                                       event["printed"]))
        elif event["event"] == "done" and event["problems"]:
            results.append(CheckResult("the grader itself failed", "failed",
                                       [("", problem) for problem in event["problems"]]))
    return results


def _limit_memory() -> None:
    try:
        import resource

        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        if hard == resource.RLIM_INFINITY or hard > MEMORY_LIMIT_BYTES:
            resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT_BYTES, hard))
    except (ImportError, ValueError, OSError):
        pass  # Windows, or a platform that will not say: the machine's own limits apply


def main(argv: list[str]) -> None:
    lesson_key, impl_dir = argv[0], Path(argv[1])
    verbose = "--verbose" in argv[2:]
    channel = Channel()
    _limit_memory()
    faulthandler.enable(file=sys.__stderr__, all_threads=True)  # a crash leaves a traceback
    from harness import guards

    guards.install()
    channel.send("ready", inband_timeouts=INBAND_TIMEOUTS)
    lesson = find(lesson_key)
    problem, printed = import_learner_module(lesson, impl_dir, channel)
    if problem is not None:
        channel.send("problem", explanation=problem, printed=printed.summary())
    else:
        channel.send("imported", printed=printed.summary())
        run_checks(lesson, impl_dir, channel, verbose)
    sys.stdout.flush()
    os._exit(0)  # threads the learner's code left running must not keep the process alive


if __name__ == "__main__":
    main(sys.argv[1:])
