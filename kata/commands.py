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


def option(name: str, value: object = None) -> str:
    """One option, spelled for make (``YES=1``) or python (``--yes``)."""
    return OPTIONS[name][0 if via_make() else 1].format(value)


def suggest(command: str, lesson: int | str | None = None, **options: object) -> str:
    """``suggest("hint", 4)`` is ``make hint LESSON=4`` under make, else ``python -m kata hint 4``."""
    make = via_make()
    words = ["make", command] if make else [python(), "-m", "kata", command]
    if lesson is not None:
        words.append(f"LESSON={lesson}" if make else str(lesson))
    for name, value in options.items():
        if value is not None and value is not False:
            words.append(option(name, value))
    return " ".join(words)
