"""Every lesson's Interview corner pairs up with its model answers: one source for the quiz.

The format (tests/README.md, "Interview corners"): the README's `## Interview corner` is a
numbered list of questions; `solutions/NN_slug/INTERVIEW.md` has one answer per question, each
opening a paragraph with `**N. short title**`. The lessons come from the manifest, so a new
lesson is checked the day it is listed.
"""

from __future__ import annotations

import pytest

from kata import manifest
from kata.manifest import Lesson
from kata.quiz import deck

LESSONS = manifest.lessons()


@pytest.mark.parametrize("lesson", LESSONS, ids=[lesson.slug for lesson in LESSONS])
def test_every_question_has_exactly_one_answer_and_every_answer_a_question(lesson):
    found = deck.problems(lesson)
    assert not found, "\n".join(found)
    assert len(deck.cards_of(lesson)) == len(deck.parse_questions(lesson.readme.read_text()))


README = """\
# Lesson 99

## Interview corner

1. Why does a naive retry make an outage worse? Put a number
   on it for 100 requests.
2. Which failures are safe to retry?

3. Why re-raise the *last* error?

Model answers: `solutions/99_x/INTERVIEW.md` (after you have tried).

## Another section

4. Not a question of the corner.
"""

INTERVIEW = """\
# Lesson 99: model answers

**1. Why a naive retry hurts.**
It multiplies load.

**2. Safe to retry?** Transient failures of idempotent requests.
- a list item

**3. The last error.**
It is the freshest.
"""


@pytest.fixture
def fake_lesson(tmp_path, monkeypatch):
    """Make a lesson whose README and INTERVIEW.md are the given texts (None: no such file)."""
    monkeypatch.setattr(manifest, "LESSONS_DIR", tmp_path / "lessons")
    monkeypatch.setattr(manifest, "SOLUTIONS_DIR", tmp_path / "solutions")

    def make(readme: str | None, interview: str | None) -> Lesson:
        lesson = Lesson(number=99, slug="99_x", title="X", module="x", part="P")
        for path, text in ((lesson.readme, readme), (deck.interview_file(lesson), interview)):
            path.parent.mkdir(parents=True, exist_ok=True)
            if text is not None:
                path.write_text(text)
        return lesson

    return make


def test_questions_are_the_numbered_items_of_the_corner_with_wrapped_lines_joined():
    assert deck.parse_questions(README) == [
        (1, "Why does a naive retry make an outage worse? Put a number on it for 100 requests."),
        (2, "Which failures are safe to retry?"),
        (3, "Why re-raise the *last* error?"),
    ]


def test_answers_open_with_a_bold_number_and_title_on_their_own_line_or_before_the_text():
    assert deck.parse_answers(INTERVIEW) == [
        (1, "Why a naive retry hurts.", "It multiplies load."),
        (2, "Safe to retry?", "Transient failures of idempotent requests.\n- a list item"),
        (3, "The last error.", "It is the freshest."),
    ]


def test_a_well_formed_lesson_has_no_problems_and_one_card_per_question(fake_lesson):
    lesson = fake_lesson(README, INTERVIEW)
    assert deck.problems(lesson) == []
    cards = deck.cards_of(lesson)
    assert [(card.key, card.title) for card in cards] == [
        ("99_x#1", "Why a naive retry hurts."), ("99_x#2", "Safe to retry?"),
        ("99_x#3", "The last error.")]


@pytest.mark.parametrize("readme, interview, expected", [
    (README, INTERVIEW.replace("**3. The last error.**\nIt is the freshest.\n", ""),
     ("question 3 of", "README.md has no answer")),
    (README, INTERVIEW + "\n**4. Extra.**\nNo question asks this.\n",
     ("answer 4 in", "INTERVIEW.md has no question")),
    (README, INTERVIEW + "\n**3. Again.**\nA second answer to 3.\n",
     "answers are numbered [1, 2, 3, 3]"),
    (README, INTERVIEW.replace("It is the freshest.", ""), "answer 3 ('The last error.') "),
    (README.replace("2. Which", "4. Which"), INTERVIEW, "questions are numbered [1, 4, 3]"),
    (README.replace("## Interview corner", "## Interview"), INTERVIEW,
     "has no '## Interview corner' heading"),
    (README, None, "INTERVIEW.md is missing"),
    (README, INTERVIEW.replace("**", ""), "has no answers"),
], ids=["question without answer", "answer without question", "two answers to one question",
        "empty answer", "numbers out of order", "no corner", "no INTERVIEW.md",
        "no bold openers"])
def test_each_way_of_breaking_the_format_is_reported_in_plain_words(fake_lesson, readme,
                                                                    interview, expected):
    found = deck.problems(fake_lesson(readme, interview))
    parts = (expected,) if isinstance(expected, str) else expected
    assert any(all(part in problem for part in parts) for problem in found), found


def test_a_broken_pair_leaves_out_only_the_unpaired_questions(fake_lesson):
    lesson = fake_lesson(README, INTERVIEW + "\n**3. Again.**\nA second answer.\n")
    assert [card.number for card in deck.cards_of(lesson)] == [1, 2]
