"""The commands of the learner's loop: ``python -m kata <command>``, each also a make target.

    python -m kata check [N] [--impl DIR] [--all] [-v]   make check [LESSON=N] [IMPL=DIR] [ALL=1] [V=1]
    python -m kata watch [N] [--impl DIR]                make watch [LESSON=N] [IMPL=DIR]
    python -m kata hint N [-n K]                         make hint LESSON=N [N=K]
    python -m kata progress                              make progress
    python -m kata restore N [--pick K]                  make restore LESSON=N [PICK=K]
    python -m kata reset N [--yes]                       make reset LESSON=N [YES=1]
    python -m kata solution N [--yes]                    make solution LESSON=N [YES=1]
    python -m kata list                                  make list
    python -m kata test [pytest args]                    make test
    python -m kata mutants [N] [-j J]                    make mutants [LESSON=N] [JOBS=J]
    python -m kata capstone [--impl DIR]                 make capstone [IMPL=DIR]
    python -m kata quiz [N] [--all] [--list]             make quiz [LESSON=N] [ALL=1] [LIST=1]
    python -m kata cards [N] [--out FILE]                make cards [LESSON=N] [OUT=FILE]

Without N, check and watch resume at the first lesson not yet passed. Exit status: 0 when the
command did its job (for check: every check passed), 1 when checks do not pass, 2 for bad
input or a setup problem.

A new command is one ``command(...)`` line in ``parser()`` naming a ``"module:function"``
that takes the parsed arguments and returns the exit status; the module is imported only when
the command runs. A command with options of its own (capstone, mutants, quiz, cards) adds
them from its package's light top module, which imports its heavy parts only when it runs.
"""

from __future__ import annotations

import argparse
import importlib
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Callable

from . import capstone, cards, hints, manifest, mutants, quiz, snapshots
from .commands import option, suggest
from .manifest import ROOT, Lesson, UnknownLesson
from .terminal import Status, colour_wanted, write

OK, NOT_PASSED, USAGE_ERROR = 0, 1, 2


class UsageError(Exception):
    """Bad input from the command line: said plainly, exit status 2."""


def lesson_table() -> str:
    rows = [f"  {l.number:>2}  {l.title}  ({l.part})" for l in manifest.lessons()]
    return "Lessons:\n" + "\n".join(rows)


def pick_lesson(value: str | None, command: str) -> Lesson:
    if value is None or not value.strip():
        raise UsageError(f"which lesson? `{suggest(command, 'n')}`\n\n{lesson_table()}")
    try:
        return manifest.find(value)
    except UnknownLesson as error:
        raise UsageError(f"{error}.\n\n{lesson_table()}") from None


def resume_or_pick(value: str | None, command: str, folder: Path) -> Lesson | None:
    """The lesson asked for, else the first not yet passed (``None``: every lesson passed)."""
    if value is not None and value.strip():
        return pick_lesson(value, command)
    if folder != manifest.LESSONS_DIR:
        raise UsageError(f"which lesson of {folder}? `{suggest(command, 'n', impl=folder)}` "
                         f"(only lessons/ remembers what passed)\n\n{lesson_table()}")
    from .progress import first_not_passed

    lesson = first_not_passed()
    if lesson is not None:
        write(f"Lesson {lesson.number} (the first not yet passed; "
              f"`{suggest(command, 'n')}` picks another)\n\n")
    return lesson


def impl_folder(value: str | None) -> Path:
    if not value:
        return manifest.LESSONS_DIR
    path = Path(value).expanduser()
    if not path.is_absolute():
        path = Path.cwd() / path
    if not path.is_dir():
        raise UsageError(f"IMPL={value}: no such folder. IMPL names a folder laid out like "
                         f"lessons/ (for example IMPL=solutions, or an absolute path).")
    return path.resolve()


def every_lesson_passed() -> int:
    count = len(manifest.lessons())
    write(f"Every lesson passes ({count} of {count}). `{suggest('progress')}` shows the "
          f"summary; `{suggest('check', 'n')}` grades one again.\n")
    return OK


def cmd_check(args: argparse.Namespace) -> int:
    from .check import grade

    folder = impl_folder(args.impl)
    lesson = resume_or_pick(args.lesson, "check", folder)
    if lesson is None:
        return every_lesson_passed()
    status = Status()
    status.show("grading…")

    def show_progress(kind: str, run) -> None:
        status.show(run.progress())

    try:
        result = grade(lesson, folder, verbose=args.verbose, show_all=args.all,
                       colour=colour_wanted(), on_event=None if args.verbose else show_progress)
    finally:
        status.clear()
    assert result is not None  # nothing cancels a one-off check
    write(result.text)
    return result.status


def cmd_watch(args: argparse.Namespace) -> int:
    from .watch import watch

    folder = impl_folder(args.impl)
    lesson = resume_or_pick(args.lesson, "watch", folder)
    if lesson is None:
        return every_lesson_passed()
    return watch(lesson, folder, args.interval)


def cmd_hint(args: argparse.Namespace) -> int:
    lesson = pick_lesson(args.lesson, "hint")
    try:
        write(hints.hint(lesson, args.number) + "\n")
    except hints.NoSuchHint as error:
        raise UsageError(str(error)) from None
    return OK


def cmd_progress(args: argparse.Namespace) -> int:
    from .check import grade
    from .progress import table

    status = Status()

    def regrade(lesson: Lesson) -> None:
        status.show(f"grading lesson {lesson.number}…")
        grade(lesson, manifest.LESSONS_DIR)
        status.clear()

    for line in table(regrade):
        write(line + "\n")
    return OK


def _confirm(question: str, assume_yes: bool) -> bool:
    if assume_yes:
        return True
    if not sys.stdin.isatty():
        raise UsageError(f"{question} Not answered (no terminal): add {option('yes')} to go "
                         f"ahead.")
    return input(f"{question} [y/N] ").strip().lower() in ("y", "yes")


def cmd_reset(args: argparse.Namespace) -> int:
    lesson = pick_lesson(args.lesson, "reset")
    target = lesson.learner_file()
    shown = target.relative_to(ROOT)
    if target.exists() and target.read_bytes() == lesson.starter_file.read_bytes():
        hints.forget(lesson)
        write(f"{shown} is already the untouched starter; nothing to do.\n")
        return OK
    if not _confirm(f"Restore the starter of {shown}? Your version is kept.", args.yes):
        write("Nothing changed.\n")
        return OK
    if target.exists():
        snapshots.take([target], why=snapshots.RESET)
        write(f"Your version is kept: `{suggest('restore', lesson.number)}` brings it back.\n")
    shutil.copyfile(lesson.starter_file, target)
    hints.forget(lesson)
    write(f"{shown} is the starter again, and its hints start from the first.\n")
    return OK


def cmd_restore(args: argparse.Namespace) -> int:
    lesson = pick_lesson(args.lesson, "restore")
    target = lesson.learner_file()
    shown = target.relative_to(ROOT)
    choices = [(s.when, s.why, s.content) for s in snapshots.history(target)]
    choices += [(path.stat().st_mtime, "kept by make reset", path.read_bytes)
                for path in snapshots.legacy_backups(lesson)]
    if not choices:
        raise UsageError(f"no snapshots of {shown} yet: one is taken before each grading.")
    current = target.read_bytes() if target.is_file() else None
    write(f"Snapshots of {shown}, newest first:\n")
    for number, (when, why, content) in enumerate(choices, 1):
        data = content()
        same = "  (the file as it is now)" if data == current else ""
        lines = data.count(b"\n")
        write(f"  {number:>3}  {time.strftime('%Y-%m-%d %H:%M:%S', time.localtime(when))}  "
              f"{why:<18} {lines:>4} lines{same}\n")
    if args.pick is not None:
        if not 1 <= args.pick <= len(choices):
            raise UsageError(f"there is no snapshot {args.pick}; they are numbered "
                             f"1..{len(choices)} (listed above)")
        pick = args.pick
    else:
        pick = next((n for n, (_, _, content) in enumerate(choices, 1)
                     if content() != current), None)
        if pick is None:
            write(f"\nEvery snapshot is {shown} as it is now: nothing to restore.\n")
            return OK
    when, why, content = choices[pick - 1]
    if current is not None:
        snapshots.take([target], why=snapshots.RESTORE)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(content())
    stamp = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(when))
    undo = (f" What was there is kept as the newest snapshot: "
            f"`{suggest('restore', lesson.number, pick=1)}` brings it back."
            if current is not None else "")
    write(f"\nRestored snapshot {pick} ({stamp}, {why}) to {shown}.{undo}\n")
    return OK


def cmd_solution(args: argparse.Namespace) -> int:
    lesson = pick_lesson(args.lesson, "solution")
    if not _confirm(f"Spoiler: this prints the reference solution of lesson {lesson.number}. "
                    f"Show it?", args.yes):
        write(f"Not shown. `{suggest('hint', lesson.number)}` gives a smaller nudge.\n")
        return OK
    write(f"# {lesson.reference_file.relative_to(ROOT)}\n\n")
    write(lesson.reference_file.read_text() + "\n")
    interview = lesson.reference_file.parent / "INTERVIEW.md"
    write(f"Model answers to the Interview corner: {interview.relative_to(ROOT)}\n")
    return OK


def cmd_test(args: argparse.Namespace) -> int:
    command = [sys.executable, "-m", "pytest", *args.pytest_args]
    # The suite grades on purpose with grader files that differ from the last commit.
    status = subprocess.run(command, cwd=ROOT, env={**os.environ, "KATA_DEV": "1"}).returncode
    if status == 5:
        write("make test: pytest collected no tests; that is a failure of the suite.\n")
        return 1
    return status


def cmd_list(args: argparse.Namespace) -> int:
    write(lesson_table() + "\n")
    return OK


Handler = Callable[[argparse.Namespace], int]


def _lazy(target: str) -> Handler:
    """``"module:function"``, imported when the command runs (keeps every command fast)."""

    def run(args: argparse.Namespace) -> int:
        module, _, function = target.partition(":")
        return getattr(importlib.import_module(module), function)(args)

    return run


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="python -m kata", description=__doc__,
                                  formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = top.add_subparsers(dest="command", metavar="command")

    def command(name: str, handler: Handler | str, help_: str,
                lesson: bool = True) -> argparse.ArgumentParser:
        """Register a command; ``handler`` is a function or ``"module:function"``."""
        p = sub.add_parser(name, help=help_)
        if lesson:
            p.add_argument("lesson", nargs="?", help="lesson number, e.g. 1")
        p.set_defaults(handler=_lazy(handler) if isinstance(handler, str) else handler)
        return p

    p = command("check", cmd_check, "grade a lesson (no N: the first not yet passed)")
    p.add_argument("--impl", help="folder laid out like lessons/ (default: lessons)")
    p.add_argument("--all", action="store_true", help="every failure in full")
    p.add_argument("-v", "--verbose", action="store_true", help="show pytest's own output")
    p = command("watch", cmd_watch, "grade again on every save (no N: where you are)")
    p.add_argument("--impl", help="folder laid out like lessons/")
    p.add_argument("--interval", type=float, default=0.5, help=argparse.SUPPRESS)
    p = command("hint", cmd_hint, "the next hint (-n K: hint K again)")
    p.add_argument("-n", "--number", type=int, help="show hint K")
    command("progress", cmd_progress, "every lesson's status, and a summary", lesson=False)
    p = command("restore", cmd_restore, "bring back a snapshot of your file (lists them)")
    p.add_argument("--pick", type=int, help="restore snapshot K of the list")
    p = command("reset", cmd_reset, "restore the starter (keeps your version)")
    p.add_argument("--yes", action="store_true", help="do not ask")
    p = command("solution", cmd_solution, "show the reference solution (spoiler)")
    p.add_argument("--yes", action="store_true", help="do not ask")
    command("list", cmd_list, "list the lessons", lesson=False)
    p = command("test", cmd_test, "the project's own test suite", lesson=False)
    p.add_argument("pytest_args", nargs=argparse.REMAINDER)
    quiz.register(sub)  # interview practice: kata/quiz/, kata/cards.py
    cards.register(sub)
    mutants.configure(command("mutants", mutants.main, "mutation testing of the references"))
    capstone.configure(command("capstone", "kata.capstone:main", capstone.HELP, lesson=False))
    return top


def main(argv: list[str]) -> int:
    top = parser()
    args = top.parse_args(argv)
    if args.command is None:
        top.print_help()
        return OK
    try:
        return args.handler(args)
    except UsageError as error:
        print(f"kata: {error}", file=sys.stderr)
        return USAGE_ERROR
