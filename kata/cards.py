"""``make cards``: the interview deck as a file Anki imports (File → Import).

    python -m kata cards [N] [--out FILE]

One note per line: the question (front), the model answer (back), the note's tags, and the
deck's name, separated by tabs. The file starts with the headers of Anki's plain-text import
(Anki 2.1.54 and later; "File Headers" in the Anki manual, importing/text-files): ``#separator``,
``#html:true``, ``#notetype``, ``#columns``, ``#tags column`` and ``#deck column`` (a deck that
does not exist yet is created). Fields are HTML: ``<``, ``>`` and ``&`` are escaped as the manual
asks, line breaks become ``<br>``, and so no field holds a tab, a newline or a quote that the
importer could take for a separator. Anki matches notes on their first field, so importing a
newer file again updates the answers in place and keeps your review history.
"""

from __future__ import annotations

import argparse
import html
import re
import sys
from pathlib import Path

from . import manifest, state
from .manifest import Lesson, UnknownLesson
from .quiz import deck

DEFAULT_OUT = state.STATE_DIR / "cards.txt"
DECK_NAME = "Circuit breaker kata"
KATA_TAG = "circuit_breaker_kata"
HEADERS = ("#separator:Tab", "#html:true", "#notetype:Basic",
           "#columns:Front\tBack\tTags\tDeck", "#tags column:3", "#deck column:4")

CODE_SPAN = re.compile(r"(`+)(.+?)\1")
BOLD = re.compile(r"\*\*(.+?)\*\*")
ITALIC = re.compile(r"(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?![\w*])")
LIST_ITEM = re.compile(r"^(?:[-*]|\d+\.)\s+")


def lesson_tag(lesson: Lesson) -> str:
    """``lesson_04_count_breaker``: one tag per lesson, sortable, without spaces."""
    return f"lesson_{lesson.slug}"


def inline(text: str) -> str:
    """Escape one stretch of Markdown for HTML and keep its code, bold and italics."""
    parts = []
    last = 0
    for span in CODE_SPAN.finditer(text):
        parts.append(_emphasis(html.escape(text[last:span.start()])))
        parts.append(f"<code>{html.escape(span.group(2))}</code>")
        last = span.end()
    parts.append(_emphasis(html.escape(text[last:])))
    return "".join(parts)


def _emphasis(escaped: str) -> str:
    return ITALIC.sub(r"<i>\1</i>", BOLD.sub(r"<b>\1</b>", escaped))


def to_html(markdown: str) -> str:
    """Hard-wrapped Markdown paragraphs and lists as one line of HTML."""
    blocks: list[str] = []
    for paragraph in re.split(r"\n\s*\n", markdown.strip()):
        items: list[str] = []
        for line in paragraph.splitlines():
            if LIST_ITEM.match(line) or not items:
                items.append(line.strip())
            else:
                items[-1] += " " + line.strip()
        blocks.append("<br>".join(inline(item) for item in items))
    return "<br><br>".join(blocks)


def note(card: deck.Card) -> str:
    lesson = card.lesson
    front = (f"{inline(card.question)}<br><br><small>Lesson {lesson.number}: "
             f"{html.escape(lesson.title)}</small>")
    back = f"<b>{inline(card.title)}</b><br>{to_html(card.answer)}"
    if front.startswith("#"):  # a line that starts with '#' is a comment to Anki
        front = "&#35;" + front[1:]
    tags = f"{KATA_TAG} {lesson_tag(lesson)}"
    fields = [front, back, tags, DECK_NAME]
    return "\t".join(field.replace("\t", " ") for field in fields)


def deck_file(cards: list[deck.Card]) -> str:
    return "\n".join([*HEADERS, *(note(card) for card in cards)]) + "\n"


def cmd_cards(args: argparse.Namespace) -> int:
    try:
        lessons = [manifest.find(args.lesson)] if args.lesson else list(manifest.lessons())
    except UnknownLesson as error:
        print(f"kata cards: {error}", file=sys.stderr)
        return 2
    cards = deck.deck(lessons)
    out = Path(args.out).expanduser()
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(deck_file(cards), encoding="utf-8")
    except OSError as error:
        print(f"kata cards: cannot write {out}: {error.strerror or error}", file=sys.stderr)
        return 2
    print(f"Wrote {len(cards)} cards from {len(lessons)} lesson"
          f"{'s' if len(lessons) != 1 else ''} to {deck.shown(out.resolve())}.")
    print("In Anki: File > Import, pick that file, check the preview (Basic note type, tags "
          "from column 3, deck\n'Circuit breaker kata'), Import. Importing a newer file again "
          "updates the cards and keeps your reviews.")
    return 0


def register(commands: argparse._SubParsersAction) -> None:
    """Add ``cards`` to the ``python -m kata`` command line."""
    p = commands.add_parser("cards", help="the interview deck as an Anki import file",
                            description=__doc__,
                            formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("lesson", nargs="?", help="only this lesson (default: every lesson)")
    p.add_argument("--out", default=str(DEFAULT_OUT), metavar="FILE",
                   help=f"where to write it (default: {deck.shown(DEFAULT_OUT)})")
    p.set_defaults(handler=cmd_cards)
