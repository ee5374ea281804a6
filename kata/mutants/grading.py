"""Grade many versions of a lesson's module, each exactly as a learner's file is graded.

Each version is written to its own folder laid out like ``lessons/`` and graded by
``kata.check`` (the import problems a learner would see, then the lesson's checks with
``--kata-impl``), stopping at the first failing check (``-x``). Each runs in a child
process forked from this one once the grader is imported, so a version starts in a few
milliseconds, cannot leak state (threads, modules, a broken lock) into the next, and can be
stopped from outside if it outlives every limit. ``jobs`` children run at once.
"""

from __future__ import annotations

import gc
import importlib
import json
import os
import select
import shutil
import signal
import tempfile
import time
import traceback
from collections import deque
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable

from ..manifest import Lesson

KILLED, TIMEOUT, SURVIVED, ERROR = "killed", "timeout", "survived", "error"
#: A graded version that outlives every per-check limit is stopped after this many seconds.
HARD_LIMIT_SECONDS = 30.0


@dataclass(frozen=True)
class Verdict:
    status: str  #: KILLED, TIMEOUT (a check ran out of time: killed too), SURVIVED or ERROR
    check: str = ""  #: the first check that failed (or what went wrong)
    seconds: float = 0.0


def grade_all(lesson: Lesson, versions: Iterable[tuple[int, Callable[[], str]]],
              jobs: int = 2, on_verdict: Callable[[int, Verdict], None] | None = None,
              ) -> dict[int, Verdict]:
    """Grade each ``(key, build_source)``; ``build_source`` runs in the child."""
    _warm_up()
    root = Path(tempfile.mkdtemp(prefix="kata-mutants-"))
    pending = deque(versions)
    running: dict[int, _Child] = {}  # by the read end of its pipe
    verdicts: dict[int, Verdict] = {}
    try:
        while pending or running:
            while pending and len(running) < max(1, jobs):
                key, build = pending.popleft()
                child = _start(lesson, root / f"v{key}", key, build)
                running[child.pipe] = child
            ready, _, _ = select.select(list(running), [], [], 0.2)
            for pipe in ready:
                child = running[pipe]
                data = os.read(pipe, 65536)
                if data:
                    child.output += data
                    continue
                del running[pipe]
                verdicts[child.key] = child.finish()
                if on_verdict:
                    on_verdict(child.key, verdicts[child.key])
            for pipe, child in list(running.items()):
                if time.monotonic() - child.started > HARD_LIMIT_SECONDS + 5:
                    del running[pipe]
                    verdicts[child.key] = child.stop()
                    if on_verdict:
                        on_verdict(child.key, verdicts[child.key])
    finally:
        for child in running.values():
            child.stop()
        shutil.rmtree(root, ignore_errors=True)
    return verdicts


class _Child:
    def __init__(self, pid: int, pipe: int, key: int) -> None:
        self.pid, self.pipe, self.key = pid, pipe, key
        self.started = time.monotonic()
        self.output = b""

    def finish(self) -> Verdict:
        os.close(self.pipe)
        os.waitpid(self.pid, 0)
        seconds = time.monotonic() - self.started
        if not self.output:  # the grader's own watchdog ended it: a check ran past every limit
            return Verdict(TIMEOUT, "the whole grading run (hard limit)", seconds)
        data = json.loads(self.output)
        return Verdict(data["status"], data["check"], seconds)

    def stop(self) -> Verdict:
        try:
            os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)
        except ChildProcessError:
            pass
        os.close(self.pipe)
        return Verdict(TIMEOUT, "the whole grading run (stopped from outside)",
                       time.monotonic() - self.started)


def _start(lesson: Lesson, folder: Path, key: int, build: Callable[[], str]) -> _Child:
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid:
        os.close(write_end)
        return _Child(pid, read_end, key)
    try:  # the child: grade, write one JSON line, and leave without running any cleanup
        os.close(read_end)
        quiet = os.open(os.devnull, os.O_RDWR)
        for fd in (0, 1, 2):  # graded code and pytest-timeout may print; nobody reads it
            os.dup2(quiet, fd)
        try:
            status, check = _grade_here(lesson, folder, build())
        except BaseException:
            status, check = ERROR, traceback.format_exc()
        os.write(write_end, json.dumps({"status": status, "check": check}).encode())
    finally:
        os._exit(0)


def _grade_here(lesson: Lesson, folder: Path, source: str) -> tuple[str, str]:
    """What ``make check`` does (kata.check.grade), stopping at the first failing check."""
    from ..child import checks_here, import_problem
    from . import timeouts

    extra = f"-x -p {timeouts.__name__}"  # stop at the first failure; note timeouts
    os.environ["PYTEST_ADDOPTS"] = f"{os.environ.get('PYTEST_ADDOPTS', '')} {extra}".strip()
    path = lesson.learner_file(folder)
    path.parent.mkdir(parents=True)
    path.write_text(source)
    if import_problem(path) is not None:
        return KILLED, "importing the module"
    for result in checks_here(lesson, folder, verbose=False):
        if not result.passed:
            return (TIMEOUT if timeouts.stopped else KILLED), result.name
    return SURVIVED, ""


def _warm_up() -> None:
    """Load the grader here once, so that every forked child starts with it loaded."""
    from .. import child  # noqa: F401  (pytest, and the harness on sys.path)
    from _pytest.config import default_plugins, essential_plugins

    plugins = [f"_pytest.{name}" for name in (*essential_plugins, *default_plugins)
               if name != "pytester"]
    for name in (*plugins, "pdb", "pytest_timeout", "fake_services", "harness.plugin"):
        importlib.import_module(name)
    gc.freeze()  # the children's garbage collections then skip everything loaded so far
