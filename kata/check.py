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

from . import integrity, manifest, snapshots, state
from . import report as reporting
from .commands import suggest
from .manifest import Lesson, shown
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




def commands_for(lesson: Lesson, impl_dir: Path) -> reporting.Commands:
    impl = None if impl_dir.resolve() == manifest.LESSONS_DIR.resolve() else shown(impl_dir)
    following = next((l for l in manifest.lessons() if l.number == lesson.number + 1), None)
    return reporting.Commands(
        hint=suggest("hint", lesson.number),
        all=suggest("check", lesson.number, impl=impl, all=True),
        next=suggest("check", following.number, impl=impl) if following else None)


def grade(lesson: Lesson, impl_dir: Path, *, verbose: bool = False, show_all: bool = False,
          colour: bool = False, on_event: Callable[[str, Run], None] | None = None,
          cancelled: Callable[[], bool] | None = None) -> Grade | None:
    """Grade ``impl_dir/<slug>/<module>.py``; ``None`` when ``cancelled`` stopped it.

    Before grading, the learner's files are snapshotted and the grader's own files checked
    against the commit checked out; after it, both are looked at again, so that what the
    graded code did to them is said, and can be undone.
    """
    learner_file = lesson.learner_file(impl_dir)
    report = reporting.Report(f"Lesson {lesson.number}: {lesson.title}", shown(learner_file),
                              [], commands_for(lesson, impl_dir))
    graded_here = impl_dir.resolve() == manifest.LESSONS_DIR.resolve()
    checked = not integrity.developing()
    if checked:
        changed = integrity.changed_since_checkout(lesson)
        if changed and graded_here:
            return Grade(USAGE, 0, 0, reporting.render_problem(report, _changed_grader(changed),
                                                               colour=colour))
        if changed:
            report.notes.append(f"Note: the grader's own files differ from the commit checked "
                                f"out ({integrity.listed(changed)}): this report comes from "
                                f"the changed grader.")
        grader_before = integrity.fingerprint(lesson)
    present = snapshots.take()

    run = supervise(lesson, impl_dir, verbose=verbose, on_event=on_event, cancelled=cancelled)
    if run.cancelled:
        return None
    tampered = integrity.differences(grader_before, integrity.fingerprint(lesson)) \
        if checked else []
    report.results, report.import_printed = results_of(run), run.import_printed
    report.notes += notes_of(run) + _deleted_notes(snapshots.deleted(present))
    problem = run.problem or (run.stopped if not run.checks else None)
    if tampered:  # nothing the run reported can be trusted
        problem = [("", f"grading stopped: your code changed the grader's own files while it "
                        f"was graded: {integrity.listed(tampered)}. Nothing this grading "
                        f"reported can be trusted. `git checkout -- "
                        f"{integrity.paths_of(tampered)}` restores them.")]
    if problem is not None:  # nothing was graded: one message, like a syntax error
        _remember(lesson, impl_dir, learner_file, 0, 0)
        return Grade(NOT_PASSED, 0, 0, reporting.render_problem(report, problem, colour=colour))
    if run.finished:
        _remember(lesson, impl_dir, learner_file, run.passed, run.counted)
    text = reporting.render(report, show_all=show_all, colour=colour)
    return Grade(PASSED if run.complete else NOT_PASSED, run.passed, run.counted, text)


def _changed_grader(changed: list[str]) -> reporting.Explanation:
    return [("", f"the grader's own files differ from the commit checked out: "
                 f"{integrity.listed(changed)}. A report from a changed grader could not be "
                 f"trusted, so nothing was graded. `git checkout -- "
                 f"{integrity.paths_of(changed)}` restores them (`git stash` first keeps "
                 f"your change). Working on the grader itself? KATA_DEV=1 grades anyway.")]


def _deleted_notes(gone: list[Path]) -> list[str]:
    notes = []
    for path in gone:
        lesson = manifest.by_slug(path.parent.name)
        restore = suggest("restore", lesson.number) if lesson else suggest("restore", "n")
        notes.append(f"Note: your code deleted {shown(path)} while it was graded; "
                     f"`{restore}` brings it back.")
    return notes


def results_of(run: Run) -> list[reporting.CheckResult]:
    """One result per check, in order; a check that never finished says why."""
    results = []
    for index, check in enumerate(run.checks):
        if check.outcome is not None:
            results.append(reporting.CheckResult(check.name, check.outcome, check.explanation,
                                                 check.printed, ended_grading=check.timed_out))
        elif index == run.stopped_at and run.stopped:
            results.append(reporting.CheckResult(check.name, reporting.FAILED, run.stopped,
                                                 ended_grading=True))
        else:
            results.append(reporting.CheckResult(check.name, reporting.NOT_RUN))
    if run.stopped and run.stopped_at is None and run.checks:
        results.append(reporting.CheckResult("grading ended early", reporting.FAILED,
                                             run.stopped, ended_grading=True))
    if run.grader_problems:
        results.append(reporting.CheckResult(
            "the grader itself failed (not your code): please report this", reporting.FAILED,
            [("", problem) for problem in run.grader_problems]))
    return results


def notes_of(run: Run) -> list[str]:
    notes = []
    if run.threads_left:
        notes.append(f"Note: your code left {len(run.threads_left)} thread(s) running after "
                     f"the checks ({', '.join(run.threads_left[:3])}); the grader stopped them. "
                     f"Make helper threads daemons, or join them.")
    if run.raw_bytes and not run.stopped:
        notes.append(f"Note: your code wrote {run.raw_bytes:,} bytes straight to the "
                     f"terminal's file descriptors, past print(); the grader does not show "
                     f"them. Use print() to see output under the check that printed it.")
    return notes


def _remember(lesson: Lesson, impl_dir: Path, learner_file: Path, passed: int,
              total: int) -> None:
    if impl_dir.resolve() == manifest.LESSONS_DIR.resolve() and learner_file.is_file():
        state.update("results", lesson.slug, {"sha1": file_digest(learner_file),
                                              "passed": passed, "total": total})


def file_digest(path: Path) -> str:
    return hashlib.sha1(path.read_bytes()).hexdigest()
