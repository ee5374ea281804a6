"""``tests/NN_slug/mutants_equivalent.txt``: the mutants no check can kill, each with a reason.

An equivalent mutant changes no behaviour a learner can see (a counter set in ``__init__``
that is set again before it is ever read), so a surviving one is no blind spot of the
checks. One entry per mutant, its reason on the next line, indented::

    # Lesson 4: equivalent mutants (format: tests/README.md)
    CircuitBreaker.__init__: `self._trial_successes = 0` → `pass`
        only read in HALF_OPEN, and entering HALF_OPEN sets it to 0 first

The first line is what the report prints for a survivor, ready to paste: the enclosing
function's qualified name, then the changed statement (or condition) before and after, in
canonical form. ``Scope#2`` picks the second of identical changes in one function (in
source order); without ``#n`` an entry covers them all. No line numbers: the entry keeps
matching when the file is edited elsewhere, and an entry that matches no mutant any more
is reported as stale.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from .mutator import Mutant

FILE_NAME = "mutants_equivalent.txt"
_ENTRY = re.compile(r"^(?P<scope>[^\s:#`]+)(?:#(?P<occurrence>\d+))?: `(?P<before>.*?)` → "
                    r"`(?P<after>.*)`$")


class EquivalentsError(ValueError):
    """A line of an equivalents file that does not follow the format."""


@dataclass(frozen=True)
class Entry:
    scope: str
    before: str
    after: str
    reason: str
    line: int  #: where the entry is in the file (for messages)
    occurrence: int | None = None  #: which of identical changes; None: all of them

    @property
    def key(self) -> tuple[str, str, str]:
        return self.scope, self.before, self.after

    def __str__(self) -> str:
        where = self.scope if self.occurrence is None else f"{self.scope}#{self.occurrence}"
        return f"{where}: `{self.before}` → `{self.after}`"


def entry_line(mutant: Mutant, occurrence: int | None = None) -> str:
    """The entry's first line for ``mutant``, exactly as the file wants it."""
    return str(Entry(mutant.scope, mutant.before, mutant.after, "", 0, occurrence))


def parse(text: str, name: str = FILE_NAME) -> list[Entry]:
    """The entries of an equivalents file; :class:`EquivalentsError` names a bad line."""
    entries: list[Entry] = []
    pending: re.Match[str] | None = None
    pending_line = 0
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.rstrip()
        if not line.strip() or line.lstrip().startswith("#") and not line[:1].isspace():
            continue
        if line[:1].isspace():  # the reason of the entry above
            if pending is None:
                raise EquivalentsError(f"{name}, line {number}: an indented reason with no "
                                       f"entry above it")
            entries.append(_entry(pending, line.strip(), pending_line))
            pending = None
            continue
        if pending is not None:
            raise EquivalentsError(f"{name}, line {pending_line}: the entry has no reason "
                                   f"(an indented line below it)")
        pending, pending_line = _ENTRY.match(line), number
        if pending is None:
            raise EquivalentsError(
                f"{name}, line {number}: expected `Scope: `before` → `after``, copied from "
                f"the survivor list of `make mutants`, got {line!r}")
    if pending is not None:
        raise EquivalentsError(f"{name}, line {pending_line}: the entry has no reason "
                               f"(an indented line below it)")
    return entries


def load(tests_dir: Path) -> list[Entry]:
    path = tests_dir / FILE_NAME
    return parse(path.read_text(), str(path)) if path.is_file() else []


def match(entries: list[Entry], mutants: list[Mutant]) -> tuple[dict[int, Entry], list[Entry]]:
    """Which mutants the entries list (by mutant number), and the stale entries."""
    by_key: dict[tuple[str, str, str], list[Mutant]] = {}
    for mutant in mutants:
        by_key.setdefault((mutant.scope, mutant.before, mutant.after), []).append(mutant)
    listed: dict[int, Entry] = {}
    stale: list[Entry] = []
    for entry in entries:
        same = by_key.get(entry.key, [])
        if entry.occurrence is not None:
            same = same[entry.occurrence - 1:entry.occurrence] if entry.occurrence >= 1 else []
        if not same:
            stale.append(entry)
        for mutant in same:
            listed[mutant.number] = entry
    return listed, stale


def occurrence_of(mutant: Mutant, mutants: list[Mutant]) -> int | None:
    """``n`` when ``mutant`` is the n-th of several identical changes in its scope."""
    same = [m.number for m in mutants
            if (m.scope, m.before, m.after) == (mutant.scope, mutant.before, mutant.after)]
    return same.index(mutant.number) + 1 if len(same) > 1 else None


def _entry(found: re.Match[str], reason: str, line: int) -> Entry:
    occurrence = found["occurrence"]
    return Entry(found["scope"], found["before"], found["after"], reason, line,
                 int(occurrence) if occurrence else None)
