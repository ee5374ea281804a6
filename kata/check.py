"""Grade one lesson: run its checks in a child process, then print the report.

The learner's code runs only in the child (``kata.child``); this process starts it, watches it
(``kata.supervise``) and renders what it reported. So the exit status is decided here, from
what the child said: 0 only when every check was reported passed.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from . import manifest, state
from . import report as reporting
from .manifest import ROOT, Lesson
from .supervise import Run, supervise

#: Exit statuses: every check passed / some check did not / nothing could be graded.
PASSED, NOT_PASSED, USAGE = 0, 1, 2


@dataclass
class Grade:
    status: int
    passed: int
    total: int
    text: str

    @property
    def complete(self) -> bool:
        return self.status == PASSED


def hint_command(lesson: Lesson) -> str:
    return f"make hint LESSON={lesson.number}"


def shown(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(ROOT))
    except ValueError:
        return str(path)


def grade(lesson: Lesson, impl_dir: Path, verbose: bool = False, *,
          on_event: Callable[[str, Run], None] | None = None,
          cancelled: Callable[[], bool] | None = None) -> Grade | None:
    """Grade ``impl_dir/<slug>/<module>.py``; ``None`` when ``cancelled`` stopped it."""
    title = f"Lesson {lesson.number}: {lesson.title}"
    learner_file = lesson.learner_file(impl_dir)
    graded = shown(learner_file)
    run = supervise(lesson, impl_dir, verbose=verbose, on_event=on_event, cancelled=cancelled)
    if run.cancelled:
        return None
    problem = run.problem or (run.stopped if not run.checks else None)
    if problem is not None:  # nothing was graded: one message, like a syntax error
        text = reporting.render_problem(title, graded, problem, hint_command(lesson))
        _remember(lesson, impl_dir, learner_file, 0, 0)
        return Grade(NOT_PASSED, 0, 0, text)

    results = results_of(run)
    following = next((l for l in manifest.lessons() if l.number == lesson.number + 1), None)
    text = reporting.render(title, graded, results, hint_command(lesson),
                            f"make check LESSON={following.number}" if following else None)
    if run.threads_left:
        text += (f"Note: your code left {len(run.threads_left)} thread(s) running after the "
                 f"checks ({', '.join(run.threads_left[:3])}); the grader stopped them. Make "
                 f"helper threads daemons, or join them.\n")
    if run.finished:
        _remember(lesson, impl_dir, learner_file, run.passed, run.counted)
    return Grade(PASSED if run.complete else NOT_PASSED, run.passed, len(run.checks), text)


def results_of(run: Run) -> list[reporting.CheckResult]:
    """One result per check, in order; a check that never finished says why."""
    results = []
    for index, check in enumerate(run.checks):
        if check.outcome is not None:
            results.append(reporting.CheckResult(check.name, check.outcome == "passed",
                                                 check.explanation))
        elif index == run.stopped_at and run.stopped:
            results.append(reporting.CheckResult(check.name, False, run.stopped))
        else:
            results.append(reporting.CheckResult(check.name, False, [
                ("", "not run: grading stopped before this check")]))
    if run.stopped and run.stopped_at is None and run.checks:
        results.append(reporting.CheckResult("grading ended early", False, run.stopped))
    if run.grader_problems:
        results.append(reporting.CheckResult(
            "the grader itself failed (not your code): please report this", False,
            [("", problem) for problem in run.grader_problems]))
    return results


def _remember(lesson: Lesson, impl_dir: Path, learner_file: Path, passed: int,
              total: int) -> None:
    if impl_dir.resolve() == manifest.LESSONS_DIR.resolve() and learner_file.is_file():
        state.update("results", lesson.slug, {"sha1": file_digest(learner_file),
                                              "passed": passed, "total": total})


def file_digest(path: Path) -> str:
    return hashlib.sha1(path.read_bytes()).hexdigest()
