"""When each interview card comes back: Leitner boxes, kept in ``.kata/quiz.json`` across runs.

A card nobody has reviewed yet is *new* (box 0). Your verdict on your own answer moves it:

=======  ==========================  ==========================================
verdict  box                         next review
=======  ==========================  ==========================================
again    back to 1                   now: again at the end of this session, and
                                     first in line next time
hard     stays where it is (min. 1)  after half of that box's interval
good     up one                      after the new box's interval
easy     up two                      after the new box's interval
=======  ==========================  ==========================================

Box intervals are 1, 3, 7, 16 and 35 days; box 5 is the last. That is the whole algorithm:
five numbers and four rules a learner can predict, which is why it is Leitner's and not SM-2's
per-card ease factors (or a library's).

Due times are wall-clock seconds (``time.time()``), not monotonic ones: "in 3 days" must survive
a reboot, and only the wall clock means the same thing in the next process. The clock is
injected (``now``) so that tests travel in time without waiting.
"""

from __future__ import annotations

import enum
import hashlib
import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

DAY = 24 * 60 * 60.0
INTERVALS = {1: 1 * DAY, 2: 3 * DAY, 3: 7 * DAY, 4: 16 * DAY, 5: 35 * DAY}
TOP_BOX = max(INTERVALS)
FORMAT_VERSION = 1


class Verdict(enum.Enum):
    AGAIN = "again"
    HARD = "hard"
    GOOD = "good"
    EASY = "easy"

    @classmethod
    def parse(cls, text: str) -> Verdict | None:
        """A verdict typed as its word, its first letter or its number (again = 1 ... easy = 4)."""
        word = text.strip().lower()
        for number, verdict in enumerate(cls, start=1):
            if word in (verdict.value, verdict.value[0], str(number)):
                return verdict
        return None


@dataclass(frozen=True)
class Entry:
    """Where one card stands: its box, when it is due, and how often it was reviewed."""

    box: int
    due: float  #: wall-clock seconds
    reviews: int
    question: str  #: a digest of the question's text; an edited question starts afresh
    last: str  #: the last verdict, for the curious reader of quiz.json


def digest(text: str) -> str:
    return hashlib.sha1(" ".join(text.split()).encode()).hexdigest()[:12]


def after(entry: Entry | None, verdict: Verdict, now: float, question: str) -> Entry:
    """The card's entry once it has been given ``verdict`` at time ``now``."""
    box = entry.box if entry else 0
    if verdict is Verdict.AGAIN:
        box, wait = 1, 0.0
    elif verdict is Verdict.HARD:
        box = max(1, box)
        wait = INTERVALS[box] / 2
    else:
        box = min(TOP_BOX, box + (1 if verdict is Verdict.GOOD else 2))
        wait = INTERVALS[box]
    reviews = (entry.reviews if entry else 0) + 1
    return Entry(box=box, due=now + wait, reviews=reviews, question=digest(question),
                 last=verdict.value)


class ScheduleError(Exception):
    """The schedule file cannot be read; it is left as it is."""


class Schedule:
    """Every card's entry, read from and saved to one JSON file."""

    def __init__(self, path: Path, entries: dict[str, Entry] | None = None) -> None:
        self.path = path
        self._entries: dict[str, Entry] = dict(entries or {})

    @classmethod
    def load(cls, path: Path) -> Schedule:
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return cls(path)
        try:
            data = json.loads(text)
            entries = {key: Entry(**value) for key, value in data["cards"].items()}
        except (ValueError, TypeError, KeyError, AttributeError) as error:
            raise ScheduleError(
                f"{path} is not a quiz schedule this version can read ({error}). Nothing was "
                f"changed: move the file away to start afresh, or pass another --state file."
            ) from None
        return cls(path, entries)

    def entry(self, key: str, question: str) -> Entry | None:
        """The card's entry; ``None`` for a new card or one whose question has been edited."""
        entry = self._entries.get(key)
        if entry is None or entry.question != digest(question):
            return None
        return entry

    def record(self, key: str, question: str, verdict: Verdict, now: float) -> Entry:
        """Apply a verdict, save the file at once (so Ctrl-C loses nothing), return the entry."""
        entry = after(self.entry(key, question), verdict, now, question)
        self._entries[key] = entry
        self.save()
        return entry

    def save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        data = {"version": FORMAT_VERSION,
                "cards": {key: asdict(entry) for key, entry in sorted(self._entries.items())}}
        tmp = self.path.with_name(self.path.name + ".tmp")
        tmp.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
        os.replace(tmp, self.path)


def in_words(seconds: float) -> str:
    """A wait as a learner says it: "now", "in 12 hours", "in 3 days"."""
    if seconds <= 0:
        return "now"
    for unit, size in (("day", DAY), ("hour", 3600.0), ("minute", 60.0)):
        if seconds >= 0.95 * size:
            count = max(1, round(seconds / size))
            return f"in {count} {unit}{'s' if count != 1 else ''}"
    return "in less than a minute"
