"""One quiz session: ask the due cards one at a time, reveal the model answer, take a verdict.

The session reads lines and writes text through a ``Console``, so it runs the same on a
terminal, from a pipe (``python -m kata quiz 4 --once < answers.txt``: per card, one line with
your answer, possibly empty, then one line with your verdict) and in tests.
"""

from __future__ import annotations

import textwrap
import time
from collections.abc import Callable, Sequence
from typing import TextIO

from .deck import Card, shown
from .schedule import Entry, Schedule, Verdict, in_words

WIDTH = 92
VERDICT_PROMPT = "How did you do? [a]gain [h]ard [g]ood [e]asy (q quits): "
ANSWER_PROMPT = "Your answer (type it or just think it; Enter reveals, q quits): "


class Quit(Exception):
    """The learner asked to stop (q, or the end of the input)."""


class Console:
    """Lines in, text out. On a terminal, ``input()`` gives line editing; from a pipe, the line
    read is echoed so that a transcript reads like the session it was."""

    def __init__(self, stdin: TextIO, stdout: TextIO, interactive: bool) -> None:
        self.stdin, self.stdout, self.interactive = stdin, stdout, interactive

    def say(self, text: str = "") -> None:
        self.stdout.write(text + "\n")
        self.stdout.flush()

    def ask(self, prompt: str) -> str | None:
        """One line without its newline; ``None`` at the end of the input."""
        if self.interactive:
            try:
                return input(prompt)
            except EOFError:
                self.say()
                return None
        self.stdout.write(prompt)
        self.stdout.flush()
        line = self.stdin.readline()
        if not line:
            self.say()
            return None
        line = line.rstrip("\r\n")
        self.say(line)
        return line


def wrapped(text: str) -> str:
    return textwrap.fill(text, WIDTH)


def due_cards(cards: Sequence[Card], schedule: Schedule, now: float) -> list[Card]:
    """What to ask, in order: reviews that are due, most overdue first; then new cards in
    lesson order."""
    reviews: list[tuple[float, int, Card]] = []
    new: list[Card] = []
    for index, card in enumerate(cards):
        entry = schedule.entry(card.key, card.question)
        if entry is None:
            new.append(card)
        elif entry.due <= now:
            reviews.append((entry.due, index, card))
    return [card for _, _, card in sorted(reviews)] + new


def next_due(cards: Sequence[Card], schedule: Schedule) -> tuple[float, Card] | None:
    upcoming = []
    for index, card in enumerate(cards):
        entry = schedule.entry(card.key, card.question)
        if entry is not None:
            upcoming.append((entry.due, index, card))
    if not upcoming:
        return None
    due, _, card = min(upcoming)
    return due, card


def scope(cards: Sequence[Card]) -> str:
    numbers = sorted({card.lesson.number for card in cards})
    if len(numbers) == 1:
        return f"lesson {numbers[0]} ({cards[0].lesson.title})"
    return "lessons " + ", ".join(str(number) for number in numbers)


def when(due: float) -> str:
    return time.strftime("%a %d %b %H:%M", time.localtime(due))


def nothing_due(cards: Sequence[Card], schedule: Schedule, now: float) -> str:
    upcoming = next_due(cards, schedule)
    text = f"Nothing is due in {scope(cards)}: all {len(cards)} cards are scheduled."
    if upcoming:
        due, card = upcoming
        text += (f"\nThe next one is due {in_words(due - now)} ({when(due)}): lesson "
                 f"{card.lesson.number}, question {card.number}.")
    return text + ("\n`--list` shows the schedule; another lesson: make quiz LESSON=n; every "
                   "lesson: ALL=1.")


def change(before: Entry | None, after: Entry, now: float) -> str:
    start = f"box {before.box}" if before else "new"
    return (f"→ {after.last}: {start} → box {after.box}; next review {in_words(after.due - now)}"
            f" ({when(after.due)}).")


def ask_card(card: Card, console: Console, schedule: Schedule, now: float, position: str
             ) -> Verdict:
    """Ask one card and record the verdict. Raises ``Quit`` before anything is recorded."""
    before = schedule.entry(card.key, card.question)
    status = "new" if before is None else f"box {before.box}"
    heading = f"── Lesson {card.lesson.number} · question {card.number} · {status} · {position} "
    console.say()
    console.say(heading + "─" * max(3, WIDTH - len(heading)))
    console.say(wrapped(card.question))
    console.say()
    answer = console.ask(ANSWER_PROMPT)
    if answer is None or answer.strip().lower() in ("q", "quit"):
        raise Quit
    console.say()
    console.say(f"── Model answer ({shown(card.answer_file)}) ──")
    console.say(f"{card.number}. {card.title}")
    console.say(card.answer)
    console.say()
    while True:
        reply = console.ask(VERDICT_PROMPT)
        if reply is None or reply.strip().lower() in ("q", "quit"):
            raise Quit
        verdict = Verdict.parse(reply)
        if verdict is not None:
            break
        if reply.strip():
            console.say(f"'{reply.strip()}' is not a verdict: a, h, g or e (or again, hard, "
                        f"good, easy; q quits).")
    after = schedule.record(card.key, card.question, verdict, now)
    console.say(change(before, after, now))
    return verdict


def run(cards: Sequence[Card], schedule: Schedule, console: Console,
        clock: Callable[[], float] = time.time, once: bool = False) -> int:
    """Ask every due card (or the first one with ``once``); a card you call "again" comes back
    at the end of the session. Returns the exit status: 0, whatever your verdicts."""
    now = clock()
    queue = due_cards(cards, schedule, now)
    if not queue:
        console.say(nothing_due(cards, schedule, now))
        return 0
    fresh = sum(1 for card in queue if schedule.entry(card.key, card.question) is None)
    console.say(f"Interview practice: {scope(cards)}. {len(queue)} of {len(cards)} cards are "
                f"due ({fresh} new).")
    console.say("Answer from memory, typed or in your head; Enter shows the model answer; then "
                "grade yourself.\nWhat you miss comes back sooner. Progress is saved after every "
                "card; q quits.")
    tally: dict[str, int] = {}
    asked = 0
    try:
        while queue:
            card = queue[0]
            position = f"{asked + 1} of {asked + len(queue)}"
            verdict = ask_card(card, console, schedule, clock(), position)
            queue.pop(0)
            asked += 1
            tally[verdict.value] = tally.get(verdict.value, 0) + 1
            if verdict is Verdict.AGAIN and not once:
                queue.append(card)
            if once:
                break
    except Quit:
        console.say("Stopped; every verdict you gave is saved.")
    verdicts = ", ".join(f"{count} {name}" for name, count in tally.items()) or "no verdicts"
    console.say(f"\nReviewed {asked} card{'s' if asked != 1 else ''} ({verdicts}).")
    left = len(due_cards(cards, schedule, clock()))
    if left:
        console.say(f"Still due now: {left} card{'s' if left != 1 else ''}.")
    else:
        upcoming = next_due(cards, schedule)
        if upcoming:
            due, _ = upcoming
            console.say(f"That was every due card; the next is due {in_words(due - clock())} "
                        f"({when(due)}).")
    return 0


def listing(cards: Sequence[Card], schedule: Schedule, now: float) -> str:
    """The schedule of these cards, one line each, without asking anything."""
    lines: list[str] = []
    lesson = None
    due = fresh = 0
    for card in cards:
        if card.lesson != lesson:
            lesson = card.lesson
            lines.append(f"Lesson {lesson.number}: {lesson.title}")
        entry = schedule.entry(card.key, card.question)
        if entry is None:
            fresh += 1
            status, timing = "new", "due now"
        else:
            status, timing = f"box {entry.box}", in_words(entry.due - now)
            if entry.due <= now:
                due += 1
                timing = "due now"
        question = textwrap.shorten(card.question, WIDTH - 30, placeholder=" ...")
        lines.append(f"  {card.number:>2}  {status:<6} {timing:<15} {question}")
    later = len(cards) - due - fresh
    lines.append(f"{len(cards)} cards: {due + fresh} due now ({fresh} new), {later} later.")
    return "\n".join(lines)
