"""Graded hints, one at a time. ``HINTS.md`` holds them under ``## Hint 1``, ``## Hint 2``..."""

from __future__ import annotations

import re

from . import state
from .manifest import Lesson


def parse(text: str) -> list[str]:
    """The hints of a HINTS.md, in order."""
    parts = re.split(r"^## .*$", text, flags=re.MULTILINE)
    return [part.strip() for part in parts[1:] if part.strip()]


def next_hint(lesson: Lesson) -> str:
    """The next unseen hint (and remember that it was seen); the last one repeats."""
    all_hints = parse(lesson.hints_file.read_text())
    seen = state.load().get("hints", {}).get(lesson.slug, 0)
    index = min(seen, len(all_hints) - 1)
    state.update("hints", lesson.slug, index + 1)
    more = len(all_hints) - index - 1
    footer = (f"({more} more: run the same command again)" if more else
              "(that was the last hint; `make solution LESSON="
              f"{lesson.number}` shows the reference, with spoilers)")
    return (f"Lesson {lesson.number}: {lesson.title}, hint {index + 1} of {len(all_hints)}\n\n"
            f"{all_hints[index]}\n\n{footer}")
