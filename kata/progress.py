"""``make progress``: every lesson's status, re-derived from the learner's files.

A lesson whose file is still the starter is "not started". Otherwise the last grade is
reused while the file is unchanged, and the lesson is graded again (in a subprocess) when it
has changed since.
"""

from __future__ import annotations

import subprocess
import sys

from . import manifest, state
from .check import file_digest
from .manifest import ROOT, Lesson


def status(lesson: Lesson) -> str:
    path = lesson.learner_file()
    if not path.exists():
        return "missing (make reset restores it)"
    if path.read_bytes() == lesson.starter_file.read_bytes():
        return "not started"
    digest = file_digest(path)
    result = state.load().get("results", {}).get(lesson.slug)
    if not result or result.get("sha1") != digest:
        subprocess.run([sys.executable, "-m", "kata", "check", str(lesson.number)], cwd=ROOT,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        result = state.load().get("results", {}).get(lesson.slug)
    if not result or result.get("sha1") != digest:
        return "could not be graded (run make check)"
    if result["total"] and result["passed"] == result["total"]:
        return "passed"
    if not result["total"]:
        return "does not import (run make check)"
    return f"{result['passed']} of {result['total']} checks"


def table() -> str:
    lines = ["Progress:"]
    for lesson in manifest.lessons():
        lines.append(f"  {lesson.number:>2}  {lesson.title:<48} {status(lesson)}")
    return "\n".join(lines)
