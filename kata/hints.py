"""Graded hints, one at a time. ``HINTS.md`` holds them under ``## Hint 1``, ``## Hint 2``...

``make hint LESSON=n`` gives the next hint not yet seen (the last one repeats), ``N=k`` shows
hint k again; ``make reset`` forgets which hints were seen.
"""

from __future__ import annotations

import re

from . import state
from .commands import suggest
from .manifest import Lesson


class NoSuchHint(LookupError):
    """``N=k`` names a hint the lesson does not have."""


def parse(text: str) -> list[str]:
    """The hints of a HINTS.md, in order."""
    parts = re.split(r"^## .*$", text, flags=re.MULTILINE)
    return [part.strip() for part in parts[1:] if part.strip()]


def seen(lesson: Lesson) -> int:
    return state.load().get("hints", {}).get(lesson.slug, 0)


def hint(lesson: Lesson, number: int | None = None) -> str:
    """Hint ``number`` (1-based), or the next unseen one; remember how far the learner got."""
    all_hints = parse(lesson.hints_file.read_text())
    already = seen(lesson)
    if number is None:
        index = min(already, len(all_hints) - 1)
    elif 1 <= number <= len(all_hints):
        index = number - 1
    else:
        raise NoSuchHint(f"lesson {lesson.number} has {len(all_hints)} hints, numbered "
                         f"1..{len(all_hints)}; there is no hint {number}")
    state.update("hints", lesson.slug, max(already, index + 1))
    after = max(already, index + 1)
    if after < len(all_hints):
        footer = f"(hint {after + 1} is next: `{suggest('hint', lesson.number)}`)"
    else:
        footer = (f"(that was the last hint; `{suggest('solution', lesson.number)}` shows the "
                  f"reference, with spoilers; `{suggest('hint', lesson.number, number=1)}` "
                  f"shows hint 1 again)")
    return (f"Lesson {lesson.number}: {lesson.title}, hint {index + 1} of {len(all_hints)}\n\n"
            f"{all_hints[index]}\n\n{footer}")


def forget(lesson: Lesson) -> None:
    """Start the lesson's hints from the first again (``make reset`` does this)."""
    data = state.load()
    if data.get("hints", {}).pop(lesson.slug, None) is not None:
        state.save(data)
