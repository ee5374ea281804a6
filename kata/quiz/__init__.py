"""``make quiz``: the Interview corners as a self-quiz with spaced repetition.

    python -m kata quiz [N] [--all] [--list] [--once] [--state FILE]

Which cards: lesson N's; with ``--all`` every lesson's; with neither, the lessons you have
passed (``make check`` records that; a lesson counts while its file is the one that passed).
The questions come from each lesson's README and the answers from its
``solutions/NN_slug/INTERVIEW.md`` (``deck``); when each card comes back is ``schedule``'s
business, and asking is ``session``'s.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from .. import manifest, state
from ..terminal import quiet_pipe
from ..manifest import Lesson, UnknownLesson
from . import deck
from .schedule import Schedule, ScheduleError
from .session import Console, listing, run

DEFAULT_STATE = state.STATE_DIR / "quiz.json"
USAGE_ERROR = 2


def passed_lessons() -> list[Lesson]:
    """The lessons whose last grade passed every check, for the file as it is now."""
    from .. import progress  # imported late: it brings in pytest

    return [lesson for lesson in manifest.lessons() if progress.passed(lesson)]


def chosen_lessons(args: argparse.Namespace) -> list[Lesson]:
    if args.lesson and args.all:
        raise UnknownLesson("give a lesson or --all (ALL=1), not both")
    if args.all:
        return list(manifest.lessons())
    if args.lesson:
        return [manifest.find(args.lesson)]
    return passed_lessons()


def cmd_quiz(args: argparse.Namespace) -> int:
    try:
        return quiz(args, sys.stdin, sys.stdout, interactive=sys.stdin.isatty())
    except KeyboardInterrupt:
        print("\nStopped (Ctrl-C); every verdict you gave is saved.")
        return 0
    except BrokenPipeError:
        quiet_pipe()
        return 0


def quiz(args: argparse.Namespace, stdin, stdout, interactive: bool,
         clock=time.time) -> int:
    """The command, with its streams and clock passed in (the tests drive it this way)."""
    try:
        lessons = chosen_lessons(args)
        schedule = Schedule.load(Path(args.state))
    except (UnknownLesson, ScheduleError) as error:
        print(f"kata quiz: {error}", file=sys.stderr)
        return USAGE_ERROR
    if not lessons:
        stdout.write("No lesson passed yet, so no cards to ask (make check LESSON=n records a "
                     "pass).\nPick a lesson: make quiz LESSON=n, or take every lesson: "
                     "make quiz ALL=1.\n")
        return 0
    for lesson in lessons:
        trouble = deck.problems(lesson)
        if trouble:
            print(f"Note: lesson {lesson.number}'s questions and answers do not pair up "
                  f"({trouble[0]}); the unpaired ones are left out.", file=sys.stderr)
    cards = deck.deck(lessons)
    if not cards:
        stdout.write(f"No interview questions found in "
                     f"{', '.join(deck.shown(lesson.readme) for lesson in lessons)}.\n")
        return 0
    if args.list:
        stdout.write(listing(cards, schedule, clock()) + "\n")
        return 0
    return run(cards, schedule, Console(stdin, stdout, interactive), clock=clock,
               once=args.once)


def register(commands: argparse._SubParsersAction) -> None:
    """Add ``quiz`` to the ``python -m kata`` command line."""
    p = commands.add_parser("quiz", help="the Interview corners as a self-quiz",
                            description=__doc__,
                            formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("lesson", nargs="?", help="lesson number (default: the lessons you passed)")
    p.add_argument("--all", action="store_true", help="every lesson's questions")
    p.add_argument("--list", action="store_true", help="show the schedule; ask nothing")
    p.add_argument("--once", action="store_true", help="ask one due card, then stop")
    p.add_argument("--state", default=str(DEFAULT_STATE), metavar="FILE",
                   help=f"the schedule file (default: {deck.shown(DEFAULT_STATE)})")
    p.set_defaults(handler=cmd_quiz)
