"""`make cards`: a file Anki's plain-text import reads as one note per question.

What Anki expects (its manual, "Importing > Text Files > File Headers", Anki 2.1.54+): `#key:value`
header lines at the top; then one note per line, fields split by the declared separator; with
`#html:true`, `<`, `>` and `&` written as entities and line breaks as `<br>`.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from kata import cards, manifest
from kata.manifest import ROOT
from kata.quiz import deck

LESSONS = manifest.lessons()
FIELDS = ["Front", "Back", "Tags", "Deck"]


def written(tmp_path, *args: str) -> tuple[list[str], list[list[str]]]:
    """Run `python -m kata cards ARGS --out FILE`; the file's header lines and its notes."""
    out = tmp_path / "cards.txt"
    result = subprocess.run([sys.executable, "-m", "kata", "cards", *args, "--out", str(out)],
                            cwd=ROOT, capture_output=True, text=True, timeout=15)
    assert result.returncode == 0, result.stderr
    assert f"Wrote {len(deck.deck(LESSONS if not args else [manifest.find(args[0])]))} cards" \
        in result.stdout
    lines = out.read_text(encoding="utf-8").split("\n")
    assert lines[-1] == "", "the file ends with a newline"
    headers = [line for line in lines[:-1] if line.startswith("#")]
    notes = [line.split("\t") for line in lines[len(headers):-1]]
    return headers, notes


@pytest.mark.timeout(20)
def test_every_line_is_a_note_with_a_front_a_back_and_its_lessons_tag(tmp_path):
    headers, notes = written(tmp_path)
    assert headers == ["#separator:Tab", "#html:true", "#notetype:Basic",
                       "#columns:" + "\t".join(FIELDS), "#tags column:3", "#deck column:4"]
    every_card = deck.deck(LESSONS)
    assert len(notes) == len(every_card)
    for fields, card in zip(notes, every_card):
        assert len(fields) == len(FIELDS), fields
        front, back, tags, deck_name = fields
        assert front.strip() and back.strip()
        assert not front.startswith("#"), "Anki would read the note as a comment"
        assert '"' not in front + back, "a quote could start a quoted field"
        assert tags.split() == [cards.KATA_TAG, cards.lesson_tag(card.lesson)]
        assert deck_name == cards.DECK_NAME
    tagged = {note[2].split()[1] for note in notes}
    assert tagged == {cards.lesson_tag(lesson) for lesson in LESSONS}


@pytest.mark.timeout(20)
def test_one_lesson_only(tmp_path):
    _, notes = written(tmp_path, "4")
    assert len(notes) == len(deck.cards_of(manifest.find(4)))
    assert {note[2] for note in notes} == {f"{cards.KATA_TAG} lesson_04_count_breaker"}


def test_markdown_becomes_html_with_angle_brackets_and_ampersands_escaped():
    assert cards.inline("`a < b` and **x & y** or *z*") == (
        "<code>a &lt; b</code> and <b>x &amp; y</b> or <i>z</i>")
    assert cards.inline("3 * 4 * 5, `*args`") == "3 * 4 * 5, <code>*args</code>"
    markdown = "First line\nwraps here.\n\n- one\n  wrapped\n- two\n\nLast."
    assert cards.to_html(markdown) == (
        "First line wraps here.<br><br>- one wrapped<br>- two<br><br>Last.")


def test_the_back_carries_the_title_and_the_whole_answer():
    card = next(card for card in deck.deck(LESSONS) if "\n- " in "\n" + card.answer)  # a list
    front, back, _, _ = cards.note(card).split("\t")
    assert back.startswith(f"<b>{cards.inline(card.title)}</b><br>")
    assert back.count("<br>- ") == ("\n" + card.answer).count("\n- ")
    assert f"Lesson {card.lesson.number}: {card.lesson.title}" in front


def test_an_unwritable_path_is_reported(tmp_path):
    blocker = tmp_path / "a file"
    blocker.write_text("")
    result = subprocess.run([sys.executable, "-m", "kata", "cards", "--out",
                             str(blocker / "cards.txt")], cwd=ROOT, capture_output=True,
                            text=True, timeout=15)
    assert result.returncode == 2
    assert "cannot write" in result.stderr
