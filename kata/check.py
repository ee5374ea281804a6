"""Grade one lesson: import the learner's module, run the lesson's checks, print the report."""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

import pytest

from . import manifest, state
from . import report as reporting
from .manifest import ROOT, TESTS_DIR, Lesson

# The grader's own modules (harness, fake_services) live beside the lessons.
for _path in (str(ROOT), str(TESTS_DIR)):
    if _path not in sys.path:
        sys.path.insert(0, _path)


@dataclass
class Grade:
    passed: int
    total: int
    text: str

    @property
    def complete(self) -> bool:
        return self.total > 0 and self.passed == self.total


class _Collector:
    """A pytest plugin that keeps one result per check, in order."""

    def __init__(self) -> None:
        self.results: list[reporting.CheckResult] = []
        self.problems: list[str] = []

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        name = getattr(report, "kata_name", None)
        if name is None:
            return
        if report.when == "call":
            explanation = getattr(report, "kata_explanation", None)
            self.results.append(reporting.CheckResult(
                name, report.passed, explanation or [("", _short(report.longreprtext))]))
        elif report.when == "setup" and report.failed:
            self.results.append(reporting.CheckResult(
                name, False, [("", "the grader could not set this check up: "
                                   + _short(report.longreprtext))]))

    def pytest_collectreport(self, report: pytest.CollectReport) -> None:
        if report.failed:
            self.problems.append(report.longreprtext)


def _short(text: str, limit: int = 600) -> str:
    text = text.strip()
    return text if len(text) <= limit else text[:limit] + " ..."


def hint_command(lesson: Lesson) -> str:
    return f"make hint LESSON={lesson.number}"


def shown(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(ROOT))
    except ValueError:
        return str(path)


def import_problem(path: Path) -> reporting.Explanation | None:
    """Why the learner's module cannot be imported, or ``None`` when it can."""
    from harness import guards, loader
    from harness.explain import explain

    guards.install()
    try:
        source = path.read_text()
        compile(source, str(path), "exec")
    except SyntaxError as error:
        where = f"{shown(path)}, line {error.lineno}"
        lines = [("", f"syntax error in {where}: {error.msg}")]
        if error.text:
            code = error.text.rstrip("\n")
            pointer = " " * max((error.offset or 1) - 1, 0) + "^"
            lines.append(("", f"    {code}\n    {pointer}"))
        return lines
    try:
        loader.load(path)
    except BaseException as error:  # anything the module does at import time
        explanation = explain(error, path, ROOT)
        explanation[0] = ("", "importing your module failed: " + explanation[0][1])
        return explanation
    return None


def grade(lesson: Lesson, impl_dir: Path, verbose: bool = False) -> Grade:
    """Grade ``impl_dir/<slug>/<module>.py`` and return the report."""
    title = f"Lesson {lesson.number}: {lesson.title}"
    learner_file = lesson.learner_file(impl_dir)
    graded = shown(learner_file)
    if not learner_file.is_file():
        problem = [("", f"{graded} not found. The folder to grade must be laid out like "
                        f"lessons/: <folder>/{lesson.slug}/{lesson.module_file}")]
    else:
        problem = import_problem(learner_file)
    if problem is not None:
        return Grade(0, 0, reporting.render_problem(title, graded, problem, hint_command(lesson)))

    results = run_checks(lesson, impl_dir, verbose)
    following = next((l for l in manifest.lessons() if l.number == lesson.number + 1), None)
    text = reporting.render(title, graded, results, hint_command(lesson),
                            f"make check LESSON={following.number}" if following else None)
    passed = sum(r.passed for r in results)
    if impl_dir.resolve() == manifest.LESSONS_DIR.resolve():
        state.update("results", lesson.slug, {"sha1": file_digest(learner_file),
                                              "passed": passed, "total": len(results)})
    return Grade(passed, len(results), text)


def run_checks(lesson: Lesson, impl_dir: Path, verbose: bool) -> list[reporting.CheckResult]:
    """Run the lesson's checks in this process, one result per check, in order."""
    collector = _Collector()
    args = [str(lesson.tests_dir), f"--kata-impl={impl_dir}", f"--rootdir={ROOT}",
            "-c", str(ROOT / "pytest.ini")]
    if os.environ.get("KATA_TIMEOUT"):  # the grader's own tests shorten the per-check limit
        args += ["-o", f"timeout={os.environ['KATA_TIMEOUT']}"]
    watchdog = _start_watchdog(lesson)
    if verbose:
        status = pytest.main([*args, "-v", "--tb=long"], plugins=[collector])
    else:  # pytest's own terminal output is replaced by the report
        with contextlib.redirect_stdout(io.StringIO()):
            status = pytest.main([*args, "-q"], plugins=[collector])
    watchdog.cancel()
    results = collector.results
    if not results:
        collector.problems.append(f"no checks ran (pytest exit status {int(status)})")
    if collector.problems:
        results.append(reporting.CheckResult(
            "the grader itself failed (not your code): please report this", False,
            [("", _short(p)) for p in collector.problems]))
    return results


#: No grading run may take longer than this, whatever the learner's code does
#: (the grader's own tests shorten it with KATA_HARD_LIMIT).
HARD_LIMIT_SECONDS = 60.0


def _start_watchdog(lesson: Lesson) -> threading.Timer:
    """Stop the whole run if it outlives every per-check limit.

    Each check has its own time limit, enforced by raising an exception inside the running
    code; code that catches *every* exception (a bare ``except:``) and loops can swallow it.
    """
    limit = float(os.environ.get("KATA_HARD_LIMIT", HARD_LIMIT_SECONDS))
    terminal = os.dup(1)  # pytest captures file descriptor 1 while a check runs

    def stop() -> None:
        message = (f"\nLesson {lesson.number}: grading stopped after {limit:g} s. A check kept "
                   f"running past its time limit: does your code catch every exception (a bare "
                   f"`except:` or `except BaseException`) inside a loop? Catch `Exception` "
                   f"instead.\n")
        os.write(terminal, message.encode())
        os._exit(1)

    timer = threading.Timer(limit, stop)
    timer.daemon = True
    timer.start()
    return timer


def leftover_threads() -> list[threading.Thread]:
    """Threads the graded code started and left running (they would keep the process alive)."""
    return [thread for thread in threading.enumerate()
            if thread is not threading.main_thread() and not thread.daemon and thread.is_alive()]


def file_digest(path: Path) -> str:
    return hashlib.sha1(path.read_bytes()).hexdigest()
