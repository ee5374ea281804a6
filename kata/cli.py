"""The commands of the learner's loop. Each make target calls one of these.

    python -m kata check N [--impl DIR] [-v]    make check LESSON=N [IMPL=DIR] [V=1]
    python -m kata hint N                       make hint LESSON=N
    python -m kata progress                     make progress
    python -m kata watch N [--impl DIR]         make watch LESSON=N
    python -m kata reset N [--yes]              make reset LESSON=N [YES=1]
    python -m kata solution N [--yes]           make solution LESSON=N [YES=1]
    python -m kata test [pytest args]           make test
    python -m kata list                         make list
    python -m kata mutants [N] [-j J]           make mutants [LESSON=N] [JOBS=J]
    python -m kata capstone [--impl DIR]        make capstone [IMPL=DIR]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from . import capstone, cards, hints, manifest, mutants, quiz, state
from .manifest import ROOT, Lesson, UnknownLesson

USAGE_ERROR = 2


class UsageError(Exception):
    """Bad input from the command line: said plainly, exit status 2."""


def lesson_table() -> str:
    rows = [f"  {l.number:>2}  {l.title}  ({l.part})" for l in manifest.lessons()]
    return "Lessons:\n" + "\n".join(rows)


def pick_lesson(value: str | None, command: str) -> Lesson:
    if value is None or not value.strip():
        raise UsageError(f"which lesson? usage: make {command} LESSON=n  "
                         f"(or python -m kata {command} n)\n\n{lesson_table()}")
    try:
        return manifest.find(value)
    except UnknownLesson as error:
        raise UsageError(f"{error}.\n\n{lesson_table()}") from None


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


def cmd_check(args: argparse.Namespace) -> int:
    from .check import grade, leftover_threads

    lesson = pick_lesson(args.lesson, "check")
    result = grade(lesson, impl_folder(args.impl), verbose=args.verbose)
    sys.stdout.write(result.text)
    status = 0 if result.complete else 1
    stuck = leftover_threads()
    if stuck:
        # Non-daemon threads would keep this process alive for ever: report and leave.
        print(f"Note: your code left {len(stuck)} thread(s) running after the checks "
              f"({', '.join(t.name for t in stuck[:3])}); the grader stopped them. Make helper "
              f"threads daemons, or join them.")
        sys.stdout.flush()
        os._exit(status)
    return status


def cmd_hint(args: argparse.Namespace) -> int:
    lesson = pick_lesson(args.lesson, "hint")
    print(hints.next_hint(lesson))
    return 0


def cmd_progress(args: argparse.Namespace) -> int:
    from .progress import table

    print(table())
    return 0


def cmd_watch(args: argparse.Namespace) -> int:
    lesson = pick_lesson(args.lesson, "watch")
    folder = impl_folder(args.impl)
    target = lesson.learner_file(folder)
    command = [sys.executable, "-m", "kata", "check", str(lesson.number), "--impl", str(folder)]
    print(f"Watching {target} (checks again on every save; Ctrl-C stops).")
    seen = None
    try:
        while True:
            stamp = target.stat().st_mtime_ns if target.exists() else None
            if stamp != seen:
                seen = stamp
                print("\033[2J\033[H" if sys.stdout.isatty() else "", end="")
                subprocess.run(command, cwd=ROOT)
                print(f"\nWatching {target.name}... (Ctrl-C stops)")
            time.sleep(args.interval)
    except KeyboardInterrupt:
        print()
        return 0


def _confirm(question: str, assume_yes: bool) -> bool:
    if assume_yes:
        return True
    if not sys.stdin.isatty():
        raise UsageError(f"{question} Not answered (no terminal): add YES=1 "
                         f"(or --yes) to go ahead.")
    return input(f"{question} [y/N] ").strip().lower() in ("y", "yes")


def cmd_reset(args: argparse.Namespace) -> int:
    lesson = pick_lesson(args.lesson, "reset")
    target = lesson.learner_file()
    shown = target.relative_to(ROOT)
    if target.exists() and target.read_bytes() == lesson.starter_file.read_bytes():
        print(f"{shown} is already the untouched starter; nothing to do.")
        return 0
    if not _confirm(f"Restore the starter of {shown}? Your version is kept as a backup.",
                    args.yes):
        print("Nothing changed.")
        return 1
    if target.exists():
        backups = state.backups_dir() / lesson.slug
        backups.mkdir(parents=True, exist_ok=True)
        backup = backups / f"{lesson.module}-{time.strftime('%Y%m%d-%H%M%S')}.py"
        counter = 1
        while backup.exists():
            backup = backups / f"{lesson.module}-{time.strftime('%Y%m%d-%H%M%S')}-{counter}.py"
            counter += 1
        shutil.copy2(target, backup)
        print(f"Your version is saved as {backup.relative_to(ROOT)}")
    shutil.copyfile(lesson.starter_file, target)
    print(f"{shown} is the starter again.")
    return 0


def cmd_solution(args: argparse.Namespace) -> int:
    lesson = pick_lesson(args.lesson, "solution")
    if not _confirm(f"Spoiler: this prints the reference solution of lesson {lesson.number}. "
                    f"Show it?", args.yes):
        print("Not shown. `make hint` gives a smaller nudge.")
        return 1
    print(f"# {lesson.reference_file.relative_to(ROOT)}\n")
    print(lesson.reference_file.read_text())
    interview = lesson.reference_file.parent / "INTERVIEW.md"
    print(f"Model answers to the Interview corner: {interview.relative_to(ROOT)}")
    return 0


def cmd_test(args: argparse.Namespace) -> int:
    command = [sys.executable, "-m", "pytest", *args.pytest_args]
    status = subprocess.run(command, cwd=ROOT).returncode
    if status == 5:
        print("make test: pytest collected no tests; that is a failure of the suite.")
        return 1
    return status


def cmd_list(args: argparse.Namespace) -> int:
    print(lesson_table())
    return 0


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="python -m kata", description=__doc__,
                                  formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = top.add_subparsers(dest="command", metavar="command")

    def command(name: str, handler, help_: str, lesson: bool = True) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_)
        if lesson:
            p.add_argument("lesson", nargs="?", help="lesson number, e.g. 1")
        p.set_defaults(handler=handler)
        return p

    p = command("check", cmd_check, "grade a lesson")
    p.add_argument("--impl", help="folder laid out like lessons/ (default: lessons)")
    p.add_argument("-v", "--verbose", action="store_true", help="show pytest's own output")
    command("hint", cmd_hint, "show the next hint")
    command("progress", cmd_progress, "every lesson's status", lesson=False)
    p = command("watch", cmd_watch, "grade again on every save")
    p.add_argument("--impl", help="folder laid out like lessons/")
    p.add_argument("--interval", type=float, default=0.5, help=argparse.SUPPRESS)
    p = command("reset", cmd_reset, "restore the starter (keeps a backup)")
    p.add_argument("--yes", action="store_true", help="do not ask")
    p = command("solution", cmd_solution, "show the reference solution (spoiler)")
    p.add_argument("--yes", action="store_true", help="do not ask")
    p = command("test", cmd_test, "the project's own test suite", lesson=False)
    p.add_argument("pytest_args", nargs=argparse.REMAINDER)
    command("list", cmd_list, "list the lessons", lesson=False)
    quiz.register(sub)  # interview practice: kata/quiz/, kata/cards.py
    cards.register(sub)
    capstone.register(sub)  # lesson 13's scene: kata/capstone/
    mutants.configure(command("mutants", mutants.main, "mutation testing of the references"))
    return top


def main(argv: list[str]) -> int:
    top = parser()
    args = top.parse_args(argv)
    if args.command is None:
        top.print_help()
        return 0
    try:
        return args.handler(args)
    except UsageError as error:
        print(f"kata: {error}", file=sys.stderr)
        return USAGE_ERROR
