"""``make mutants [LESSON=n]``: do the checks reject every small mistake in a reference?

Mutation testing of the grader (issue 14, CURRICULUM §7). For each lesson, every mutant of
the reference solution (``mutator``) is graded with the lesson's checks exactly as a
learner's file is graded (``grading``); a mutant is *killed* when a check fails. What
survives is either a blind spot of the checks or an *equivalent* mutant, one that changes
no behaviour a learner can see, listed with its reason in
``tests/NN_slug/mutants_equivalent.txt`` (``equivalents``). The kill rate is reported for
the whole file and for the learner-written part (``learner_part``): the lines the starter
does not hand over. The bar is 100% there.

Results: the report on stdout, and ``.kata/mutants/NN.txt`` / ``NN.json`` per lesson (not
written by a run narrowed with ``--only`` or ``--learner-part``). Exit status 0 only when every
lesson meets the bar. A developer's tool: it forks (POSIX only) and
is not part of ``make test``.
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import sys
import time
from functools import partial

from .. import manifest, state
from ..manifest import Lesson
from . import equivalents, grading, report
from .learner_part import learner_lines
from .mutator import mutants_of, mutated_source

RESULTS_DIR = state.STATE_DIR / "mutants"


def configure(parser: argparse.ArgumentParser) -> None:
    """Add this command's options to ``python -m kata mutants``."""
    parser.add_argument("-j", "--jobs", type=int, default=2, help="grade this many at once")
    parser.add_argument("--only", metavar="TEXT",
                        help="grade only the mutants whose entry line contains TEXT")
    parser.add_argument("--learner-part", action="store_true",
                        help="grade only the mutants of the learner-written part")


def main(args: argparse.Namespace) -> int:
    from ..cli import UsageError, pick_lesson

    if args.jobs < 1:
        raise UsageError(f"--jobs must be 1 or more, got {args.jobs}")
    if not hasattr(os, "fork"):
        raise UsageError("mutation testing forks one process per mutant: it needs Linux or "
                         "macOS (on Windows, use WSL)")
    lessons = [pick_lesson(args.lesson, "mutants")] if args.lesson else list(manifest.lessons())
    started = time.monotonic()
    results = []
    for lesson in lessons:
        result = run_lesson(lesson, jobs=args.jobs, only=args.only,
                            learner_part_only=args.learner_part, progress=_progress(lesson))
        text = report.render(result)
        print(("\r\033[K" if sys.stdout.isatty() else "") + text, flush=True)
        if not result.selection:  # a narrowed run must not replace a lesson's full results
            save(result, text, args.jobs)
        results.append(result)
    print(report.summary(results, time.monotonic() - started, args.jobs), end="")
    if args.only or args.learner_part:
        print("A narrowed run: the files in .kata/mutants/ are left as they were.")
    else:
        print(f"Per lesson: {RESULTS_DIR.relative_to(manifest.ROOT)}/NN.txt and NN.json")
    return 0 if all(result.bar_met for result in results) else 1


def run_lesson(lesson: Lesson, jobs: int = 2, only: str | None = None,
               learner_part_only: bool = False, progress=None) -> report.LessonResult:
    """Mutate the lesson's reference and grade every mutant (or those selected)."""
    reference = lesson.reference_file.read_text()
    starter = lesson.starter_file.read_text() if lesson.starter_file.is_file() else ""
    tree = ast.parse(reference)
    mutants = mutants_of(reference)
    written = learner_lines(reference, starter)
    listed, stale = equivalents.match(equivalents.load(lesson.tests_dir), mutants)
    outcomes = {m.number: report.Outcome(
        m, bool(written.intersection(m.lines)), grading.Verdict(grading.SURVIVED),
        equivalents.entry_line(m, equivalents.occurrence_of(m, mutants)), listed.get(m.number))
        for m in mutants}
    chosen = [m for m in mutants
              if (not learner_part_only or outcomes[m.number].learner)
              and (only is None or only in outcomes[m.number].entry)]
    selection = ", ".join(filter(None, [f"only {only!r}" if only else "",
                                        "learner-written part only" if learner_part_only
                                        else ""]))
    started = time.monotonic()
    # The reference as the mutants are written (through ast.unparse) must pass first.
    baseline = grading.grade_all(lesson, [(0, partial(ast.unparse, tree))], jobs=1)[0]
    if baseline.status != grading.SURVIVED:
        return report.LessonResult(lesson, baseline, time.monotonic() - started)
    verdicts = grading.grade_all(lesson, [(m.number, partial(mutated_source, tree, m))
                                          for m in chosen], jobs, progress)
    for number, verdict in verdicts.items():
        outcomes[number].verdict = verdict
    return report.LessonResult(lesson, baseline, time.monotonic() - started,
                               [outcomes[m.number] for m in chosen],
                               [] if selection else stale, selection)


def save(result: report.LessonResult, text: str, jobs: int) -> None:
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    stem = RESULTS_DIR / f"{result.lesson.number:02d}"
    stem.with_suffix(".txt").write_text(text)
    stem.with_suffix(".json").write_text(json.dumps(report.as_json(result, jobs), indent=1,
                                                    ensure_ascii=False) + "\n")


def _progress(lesson: Lesson):
    if not sys.stdout.isatty():
        return None
    done = [0]

    def show(number: int, verdict: grading.Verdict) -> None:
        done[0] += 1
        print(f"\r  lesson {lesson.number}: {done[0]} graded...", end="", flush=True)

    return show
