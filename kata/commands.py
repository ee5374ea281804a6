"""The commands the loop suggests, spelled the way the learner runs it.

Under make (the Makefile exports ``KATA_VIA=make``) a suggestion reads ``make hint LESSON=4``;
otherwise ``python -m kata hint 4``, with the interpreter the learner used when it is the
project's own ``.venv`` and that is not activated (``.venv/bin/python -m kata hint 4``).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from .manifest import ROOT

#: option name -> (make spelling, python spelling); ``{}`` is the value.
OPTIONS = {
    "all": ("ALL=1", "--all"),
    "yes": ("YES=1", "--yes"),
    "verbose": ("V=1", "--verbose"),
    "impl": ("IMPL={}", "--impl {}"),
    "number": ("N={}", "-n {}"),
    "pick": ("PICK={}", "--pick {}"),
}


def via_make() -> bool:
    return os.environ.get("KATA_VIA") == "make"


def python() -> str:
    """How to name the interpreter in a suggestion."""
    executable = Path(sys.executable)
    if os.environ.get("VIRTUAL_ENV") or not executable.is_relative_to(ROOT / ".venv"):
        return "python"
    try:
        return str(executable.relative_to(Path.cwd()))
    except ValueError:
        return str(executable)


def suggest(command: str, lesson: int | None = None, **options: object) -> str:
    """``suggest("hint", 4)`` is ``make hint LESSON=4`` under make, else ``python -m kata hint 4``."""
    make = via_make()
    words = ["make", command] if make else [python(), "-m", "kata", command]
    if lesson is not None:
        words.append(f"LESSON={lesson}" if make else str(lesson))
    for name, value in options.items():
        if value is None or value is False:
            continue
        spelling = OPTIONS[name][0 if make else 1]
        words.append(spelling.format(value))
    return " ".join(words)
