"""``make watch``: grade again on every save, and move on once a lesson passes.

Each grading runs in its own child process (``kata.check.grade``); a save that arrives while
one is running cancels it (its result would be stale) and starts another. After a pass, the
learner can press Enter to go on to the next lesson instead of watching the passed one.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from . import manifest
from .check import grade
from .manifest import Lesson
from .terminal import Status, colour_wanted, enter_pressed, write

CLEAR_SCREEN = "\033[2J\033[H"


def stamp(path: Path) -> tuple[int, int] | None:
    """What changes when the file is saved (``None`` while it does not exist)."""
    try:
        info = path.stat()
    except OSError:
        return None
    return info.st_mtime_ns, info.st_size


def watch(lesson: Lesson, folder: Path, interval: float = 0.5) -> int:
    """Watch ``lesson`` in ``folder`` until Ctrl-C; returns the exit status (0: Ctrl-C is how
    watching ends)."""
    try:
        _watch(lesson, folder, interval)
    except KeyboardInterrupt:
        write("\n")
    return 0


def _watch(lesson: Lesson, folder: Path, interval: float) -> None:
    interactive = sys.stdin.isatty() and sys.stdout.isatty()
    status = Status()
    while True:
        target = lesson.learner_file(folder)
        write(f"Watching {target} (grades again on every save; Ctrl-C stops).\n")
        seen: tuple[int, int] | None | str = "never"
        passed = False
        while True:
            current = stamp(target)
            if current != seen:
                seen = current
                passed = _grade_once(lesson, folder, target, status, interactive)
                following = _following(lesson)
                if passed and following and interactive:
                    write(f"\nLesson {lesson.number} passes. Press Enter to go on to lesson "
                          f"{following.number} ({following.title}); Ctrl-C stops.\n")
                else:
                    write(f"\nWatching {target.name}... (Ctrl-C stops)\n")
            if passed and interactive and enter_pressed(interval):
                next_lesson = _following(lesson)
                if next_lesson is not None:
                    lesson = next_lesson
                    break
            elif not (passed and interactive):
                time.sleep(interval)


def _grade_once(lesson: Lesson, folder: Path, target: Path, status: Status,
                interactive: bool) -> bool:
    """Grade until a run finishes without a newer save arriving; whether it passed."""
    while True:
        saved = stamp(target)
        if status.enabled:
            write(CLEAR_SCREEN)
        status.show("grading…")
        try:
            result = grade(lesson, folder, colour=colour_wanted(),
                           on_event=lambda kind, run: status.show(run.progress()),
                           cancelled=lambda: stamp(target) != saved)
        finally:
            status.clear()
        if result is not None:
            write(result.text)
            return result.complete
        write("(a newer save arrived: grading that one instead)\n")


def _following(lesson: Lesson) -> Lesson | None:
    return next((l for l in manifest.lessons() if l.number == lesson.number + 1), None)
