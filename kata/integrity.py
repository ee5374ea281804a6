"""Is the grader the one that was checked out, and did the graded code leave it alone?

A report from a changed grader cannot be trusted, whoever changed it: a learner who edited a
check by accident, or code under grading that deleted one. Two questions, asked of the
grader's own files (``kata/``, the harness, ``fake_services/``, ``pytest.ini`` and the
lesson's check folder):

* before grading, ``git status`` says whether they differ from the commit checked out (a
  download without git skips this question);
* around grading, their sizes and times say whether the graded code changed them.

Deliberate cheating is not something this tries to defeat: the checks live in ``tests/`` and
anyone can read or change them. Contributors who change the grader on purpose set
``KATA_DEV=1`` (``make test`` does).
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from .manifest import ROOT, Lesson

SHARED = ("kata", "tests/harness", "tests/conftest.py", "fake_services", "pytest.ini")


def grader_paths(lesson: Lesson) -> list[str]:
    return [*SHARED, lesson.tests_dir.relative_to(ROOT).as_posix()]


def developing() -> bool:
    """Set by contributors (and ``make test``): grade with a changed grader, say nothing."""
    return bool(os.environ.get("KATA_DEV"))


def changed_since_checkout(lesson: Lesson) -> list[str] | None:
    """The grader's files that differ from the commit checked out; ``None``: cannot tell."""
    try:
        result = subprocess.run(
            ["git", "status", "--porcelain=v1", "--untracked-files=all", "--",
             *grader_paths(lesson)], cwd=ROOT, capture_output=True, text=True, timeout=20)
    except (OSError, subprocess.TimeoutExpired):
        return None  # no git: a download, not a clone
    if result.returncode != 0:
        return None  # not a git checkout
    words = {"M": "changed", "D": "deleted", "A": "added", "R": "renamed", "?": "added"}
    changed = []
    for line in result.stdout.splitlines():
        code, path = line[:2], line[3:]
        kind = next((words[c] for c in code if c in words), "changed")
        changed.append(f"{path} ({kind})")
    return changed


def fingerprint(lesson: Lesson) -> dict[str, tuple[int, int]]:
    """Every grader file's size and modification time (a millisecond or two to take)."""
    found: dict[str, tuple[int, int]] = {}
    for name in grader_paths(lesson):
        top = ROOT / name
        walker = os.walk(top) if top.is_dir() else [(str(top.parent), [], [top.name])]
        for folder, dirs, files in walker:
            dirs[:] = [d for d in dirs if d != "__pycache__"]
            for file in files:
                path = Path(folder) / file
                try:
                    info = path.stat()
                except OSError:
                    continue
                found[path.relative_to(ROOT).as_posix()] = (info.st_size, info.st_mtime_ns)
    return found


def differences(before: dict[str, tuple[int, int]],
                after: dict[str, tuple[int, int]]) -> list[str]:
    changes = [f"{path} (deleted)" for path in before if path not in after]
    changes += [f"{path} (added)" for path in after if path not in before]
    changes += [f"{path} (changed)" for path in before
                if path in after and before[path] != after[path]]
    return sorted(changes)


def listed(changes: list[str], most: int = 5) -> str:
    shown = ", ".join(changes[:most])
    return shown + (f" and {len(changes) - most} more" if len(changes) > most else "")


def paths_of(changes: list[str]) -> str:
    return " ".join(change.rsplit(" (", 1)[0] for change in changes[:5])
