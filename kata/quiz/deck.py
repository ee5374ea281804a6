"""The interview deck: every lesson's Interview-corner questions paired with their model answers.

One source, two files per lesson, in a format the team fixed:

* ``lessons/NN_slug/README.md`` has a ``## Interview corner`` heading followed by a numbered
  Markdown list, one question per item (``1. question``, wrapped lines indented);
* ``solutions/NN_slug/INTERVIEW.md`` has one answer per question, each starting with a
  paragraph that opens with ``**N. short title**``, numbered 1..n like the questions.

``deck()`` pairs them into cards; ``problems()`` says, in plain words, where a lesson breaks the
format (``make test`` runs it for every lesson in the manifest).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from ..manifest import Lesson, shown

CORNER_HEADING = re.compile(r"^## Interview corner\s*$")
NEXT_HEADING = re.compile(r"^#{1,2} ")
QUESTION_ITEM = re.compile(r"^(\d+)\.\s+(\S.*)$")
ANSWER_OPENER = re.compile(r"^\*\*(\d+)\.\s*(.+?)\*\*(.*)$")


@dataclass(frozen=True)
class Card:
    """One question of one lesson, with its model answer."""

    lesson: Lesson
    number: int  #: the question's number in the lesson's Interview corner
    question: str  #: one paragraph, the README's wrapped lines joined
    title: str  #: the answer's short title, from ``**N. title**``
    answer: str  #: the answer's Markdown after the title, as written

    @property
    def key(self) -> str:
        """A stable name for the card, e.g. ``04_count_breaker#3``."""
        return f"{self.lesson.slug}#{self.number}"

    @property
    def answer_file(self) -> Path:
        return interview_file(self.lesson)


def interview_file(lesson: Lesson) -> Path:
    return lesson.reference_file.parent / "INTERVIEW.md"




def parse_questions(readme: str) -> list[tuple[int, str]]:
    """The numbered questions of a README's Interview corner, in file order.

    The list ends at the first line that is neither a list item, an indented continuation
    nor blank (e.g. the "Model answers: ..." pointer), or at the next heading.
    """
    lines = readme.splitlines()
    start = next((i for i, line in enumerate(lines) if CORNER_HEADING.match(line)), None)
    if start is None:
        return []
    items: list[tuple[int, list[str]]] = []
    for line in lines[start + 1:]:
        if NEXT_HEADING.match(line):
            break
        item = QUESTION_ITEM.match(line)
        if item:
            items.append((int(item.group(1)), [item.group(2).strip()]))
        elif items and line[:1].isspace() and line.strip():
            items[-1][1].append(line.strip())
        elif line.strip() and items:
            break  # the paragraph after the list
    return [(number, " ".join(parts)) for number, parts in items]


def parse_answers(interview: str) -> list[tuple[int, str, str]]:
    """The answers of an INTERVIEW.md as ``(number, title, body)``, in file order.

    An answer opens a paragraph with ``**N. title**``; it runs to the next opener or the end
    of the file. Text before the first opener (the file's heading) belongs to no answer.
    """
    answers: list[tuple[int, str, list[str]]] = []
    previous_blank = True
    for line in interview.splitlines():
        opener = ANSWER_OPENER.match(line) if previous_blank else None
        if opener:
            rest = opener.group(3).strip()
            answers.append((int(opener.group(1)), opener.group(2).strip(), [rest] if rest else []))
        elif answers:
            answers[-1][2].append(line)
        previous_blank = not line.strip()
    return [(number, title, "\n".join(body).strip()) for number, title, body in answers]


def _read(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None


def problems(lesson: Lesson) -> list[str]:
    """Every way this lesson's two files break the deck format; empty when they pair up."""
    readme, interview = _read(lesson.readme), _read(interview_file(lesson))
    where_q, where_a = shown(lesson.readme), shown(interview_file(lesson))
    found: list[str] = []
    if readme is None:
        return [f"{where_q} is missing"]
    if interview is None:
        return [f"{where_a} is missing: it holds the model answers"]
    if not any(CORNER_HEADING.match(line) for line in readme.splitlines()):
        return [f"{where_q} has no '## Interview corner' heading"]
    questions = [number for number, _ in parse_questions(readme)]
    answers = parse_answers(interview)
    if not questions:
        found.append(f"{where_q}: the Interview corner has no numbered questions "
                     f"('1. question' at the start of a line)")
    if questions != list(range(1, len(questions) + 1)):
        found.append(f"{where_q}: questions are numbered {questions}; expected 1 to "
                     f"{len(questions)} in order")
    if not answers:
        found.append(f"{where_a} has no answers (each opens a paragraph with '**N. title**')")
    numbers = [number for number, _, _ in answers]
    if numbers != sorted(set(numbers)):
        found.append(f"{where_a}: answers are numbered {numbers}; expected each number once, "
                     f"in order")
    for number in sorted(set(questions) - set(numbers)):
        found.append(f"question {number} of {where_q} has no answer in {where_a}")
    for number in sorted(set(numbers) - set(questions)):
        found.append(f"answer {number} in {where_a} has no question in {where_q}")
    for number, title, body in answers:
        if not body:
            found.append(f"answer {number} ('{title}') in {where_a} is empty")
    return found


def cards_of(lesson: Lesson) -> list[Card]:
    """The lesson's cards: each question that has exactly one answer (see ``problems``)."""
    readme, interview = _read(lesson.readme), _read(interview_file(lesson))
    if readme is None or interview is None:
        return []
    by_number: dict[int, list[tuple[str, str]]] = {}
    for number, title, body in parse_answers(interview):
        by_number.setdefault(number, []).append((title, body))
    cards: list[Card] = []
    for number, question in parse_questions(readme):
        matches = by_number.get(number, [])
        if len(matches) == 1 and matches[0][1] and all(c.number != number for c in cards):
            title, body = matches[0]
            cards.append(Card(lesson, number, question, title, body))
    return cards


def deck(lessons: list[Lesson] | tuple[Lesson, ...]) -> list[Card]:
    """Every card of these lessons, lesson by lesson, in question order."""
    return [card for lesson in lessons for card in cards_of(lesson)]
