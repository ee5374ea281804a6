"""Where the learner is: every lesson's status, and the first lesson not yet passed.

A lesson whose file is still the starter is "not started". Otherwise the last grade is reused
while the file is unchanged (its SHA-1 is stored with the result), and the lesson is graded
again when it has changed since. The first lesson not yet passed is where ``make check`` and
``make watch`` resume when no ``LESSON`` is given, as rustlings does.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import Callable, Iterator

from . import manifest, state
from .check import file_digest
from .commands import suggest
from .manifest import Lesson


@dataclass
class Status:
    lesson: Lesson
    words: str  #: what the table says
    passed: int  #: checks passed
    total: int  #: checks in the lesson

    @property
    def complete(self) -> bool:
        return self.total > 0 and self.passed == self.total


def stored_result(lesson: Lesson) -> dict | None:
    """The last grade of the learner's file, if it is still the file that was graded."""
    path = lesson.learner_file()
    if not path.is_file():
        return None
    result = state.load().get("results", {}).get(lesson.slug)
    if not result or result.get("sha1") != file_digest(path):
        return None
    return result


def passed(lesson: Lesson) -> bool:
    result = stored_result(lesson)
    return bool(result and result["total"] and result["passed"] == result["total"])


def first_not_passed() -> Lesson | None:
    """Where the learner resumes: the first lesson whose current file has not passed."""
    return next((lesson for lesson in manifest.lessons() if not passed(lesson)), None)


def check_count(lesson: Lesson) -> int:
    """How many checks the lesson has, read from its check files (no grading needed)."""
    count = 0
    for path in lesson.tests_dir.glob("test_*.py"):
        for node in ast.parse(path.read_text()).body:
            if isinstance(node, ast.FunctionDef) and node.name.startswith("test_") \
                    and any(arg.arg == "impl" for arg in node.args.args):
                count += 1
    return count


def status(lesson: Lesson, regrade: Callable[[Lesson], None] | None = None) -> Status:
    """The lesson's status; ``regrade`` grades a changed file again first."""
    path = lesson.learner_file()
    total = check_count(lesson)
    if not path.exists():
        return Status(lesson, f"missing (`{suggest('restore', lesson.number)}` brings it back)",
                      0, total)
    if path.read_bytes() == lesson.starter_file.read_bytes():
        return Status(lesson, "not started", 0, total)
    result = stored_result(lesson)
    if result is None and regrade is not None:
        regrade(lesson)
        result = stored_result(lesson)
    if result is None:
        return Status(lesson, f"could not be graded (run `{suggest('check', lesson.number)}`)",
                      0, total)
    if not result["total"]:
        return Status(lesson, f"does not import (run `{suggest('check', lesson.number)}`)",
                      0, total)
    words = "passed" if result["passed"] == result["total"] else \
        f"{result['passed']} of {result['total']} checks"
    return Status(lesson, words, result["passed"], result["total"])


def table(regrade: Callable[[Lesson], None] | None = None) -> Iterator[str]:
    """The progress table, a line at a time, ending with a summary line."""
    yield "Progress:"
    statuses = []
    for lesson in manifest.lessons():
        current = status(lesson, regrade)
        statuses.append(current)
        yield f"  {lesson.number:>2}  {lesson.title:<48} {current.words}"
    yield ""
    yield summary(statuses)


def summary(statuses: list[Status]) -> str:
    lessons = sum(s.complete for s in statuses)
    checks = sum(s.passed for s in statuses)
    total = sum(s.total for s in statuses)
    line = f"{lessons} of {len(statuses)} lessons passed; {checks} of {total} checks pass."
    following = next((s.lesson for s in statuses if not s.complete), None)
    if following is None:
        return line + " Every lesson is done."
    return (line + f" Next: lesson {following.number}, {following.title} "
            f"(`{suggest('check')}`).")
