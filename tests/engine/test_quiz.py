"""`make quiz` from the outside: questions, model answers, verdicts and a schedule that lasts.

Most checks drive the command in-process with its streams and a fake wall clock; the ones about
pipes, Ctrl-C and `python -m kata quiz 4 --once < answers.txt` run the real process.
"""

from __future__ import annotations

import io
import json
import os
import re
import signal
import subprocess
import sys
import time

import pytest

from kata import cli, manifest, state
from kata.quiz import deck, passed_lessons, quiz
from kata.quiz.schedule import DAY, INTERVALS, Schedule, Verdict, after
from kata.manifest import ROOT

LESSON = manifest.find(4)
CARDS = deck.cards_of(LESSON)
T0 = 1_700_000_000.0  # a fixed wall-clock time


def run_quiz(state_file, *args: str, answers: str = "", at: float = T0):
    """Run `python -m kata quiz ARGS --state FILE` in-process; (status, stdout, stderr)."""
    parsed = cli.parser().parse_args(["quiz", *args, "--state", str(state_file)])
    out, err = io.StringIO(), io.StringIO()
    old_err, sys.stderr = sys.stderr, err
    try:
        status = quiz(parsed, io.StringIO(answers), out, interactive=False, clock=lambda: at)
    finally:
        sys.stderr = old_err
    return status, out.getvalue(), err.getvalue()


def saved(state_file) -> dict:
    return json.loads(state_file.read_text())["cards"]


def kata_process(*args: str, **options) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "kata", *args], cwd=ROOT, text=True,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, **options)


@pytest.mark.timeout(20)
def test_once_from_a_file_prints_the_question_the_model_answer_and_the_schedule_change(tmp_path):
    answers = tmp_path / "answers.txt"
    answers.write_text("a breaker remembers failures and stops calling\ngood\n")
    state_file = tmp_path / "quiz.json"
    with answers.open() as stdin:
        result = subprocess.run([sys.executable, "-m", "kata", "quiz", "4", "--once",
                                 "--state", str(state_file)], cwd=ROOT, stdin=stdin,
                                capture_output=True, text=True, timeout=15)
    first = CARDS[0]
    assert result.returncode == 0, result.stderr
    assert " ".join(first.question.split()) in " ".join(result.stdout.split())
    assert "a breaker remembers failures and stops calling" in result.stdout
    assert first.answer.splitlines()[0] in result.stdout
    assert "→ good: new → box 1; next review in 1 day" in result.stdout
    assert saved(state_file)[first.key]["box"] == 1
    assert len(saved(state_file)) == 1, "--once asks one card"


def test_a_card_you_miss_comes_back_sooner_than_one_you_knew(tmp_path):
    state_file = tmp_path / "quiz.json"
    run_quiz(state_file, "4", "--once", answers="\ngood\n")   # card 1: known
    run_quiz(state_file, "4", "--once", answers="\nagain\n")  # card 2: missed
    entries = saved(state_file)
    known, missed = entries[CARDS[0].key], entries[CARDS[1].key]
    assert known["box"] == 1 and known["due"] == T0 + INTERVALS[1]
    assert missed["box"] == 1 and missed["due"] == T0
    # An hour later, in a new run, the missed card comes first, before the new ones, while
    # the known one waits for its day.
    status, out, _ = run_quiz(state_file, "4", "--once", answers="\ngood\n", at=T0 + 3600)
    assert status == 0
    assert f"question {CARDS[1].number} · box 1" in out
    status, out, _ = run_quiz(state_file, "4", "--list", at=T0 + 3 * 3600)
    row = next(line for line in out.splitlines() if line.startswith(f"  {CARDS[0].number:>2}  "))
    assert "in 21 hours" in row


def test_a_card_you_miss_is_asked_again_at_the_end_of_the_session(tmp_path):
    state_file = tmp_path / "quiz.json"
    verdicts = ["again"] + ["good"] * (len(CARDS) - 1) + ["easy"]
    status, out, _ = run_quiz(state_file, "4", answers="".join(f"\n{v}\n" for v in verdicts))
    assert status == 0
    asked = [line for line in out.splitlines() if line.startswith("── Lesson 4 · question")]
    assert len(asked) == len(CARDS) + 1
    assert asked[-1].startswith(f"── Lesson 4 · question {CARDS[0].number} · box 1")
    assert saved(state_file)[CARDS[0].key]["box"] == 3  # again → 1, then easy → 3
    assert "That was every due card; the next is due in 1 day" in out


def test_when_nothing_is_due_it_says_so_and_when_the_next_card_is(tmp_path):
    state_file = tmp_path / "quiz.json"
    run_quiz(state_file, "4", answers="\ngood\n" * len(CARDS))
    status, out, _ = run_quiz(state_file, "4", at=T0 + 6 * 3600)
    assert status == 0
    assert "Nothing is due in lesson 4" in out
    assert "The next one is due in 18 hours" in out


def test_the_leitner_rules():
    question = "Q?"
    new = None
    assert (after(new, Verdict.GOOD, T0, question).box, after(new, Verdict.GOOD, T0, question)
            .due) == (1, T0 + INTERVALS[1])
    assert after(new, Verdict.EASY, T0, question).box == 2
    assert after(new, Verdict.HARD, T0, question).due == T0 + INTERVALS[1] / 2
    in_box_3 = after(after(new, Verdict.EASY, T0, question), Verdict.GOOD, T0, question)
    assert in_box_3.box == 3
    assert after(in_box_3, Verdict.HARD, T0, question).box == 3
    assert (after(in_box_3, Verdict.AGAIN, T0, question).box,
            after(in_box_3, Verdict.AGAIN, T0, question).due) == (1, T0)
    top = max(INTERVALS)
    assert after(after(in_box_3, Verdict.EASY, T0, question), Verdict.EASY, T0, question).box \
        == top
    assert [INTERVALS[box] / DAY for box in sorted(INTERVALS)] == [1, 3, 7, 16, 35]  # README


def test_an_edited_question_starts_afresh(tmp_path):
    schedule = Schedule(tmp_path / "quiz.json")
    schedule.record("04_count_breaker#1", "Old wording?", Verdict.EASY, T0)
    assert schedule.entry("04_count_breaker#1", "Old   wording?") is not None
    assert schedule.entry("04_count_breaker#1", "New wording?") is None


def test_a_reply_that_is_not_a_verdict_is_asked_again(tmp_path):
    state_file = tmp_path / "quiz.json"
    status, out, _ = run_quiz(state_file, "4", "--once", answers="\nmaybe\n\ng\n")
    assert status == 0
    assert "'maybe' is not a verdict" in out
    assert saved(state_file)[CARDS[0].key]["last"] == "good"


@pytest.mark.parametrize("answers", ["my answer\n", "", "q\n", "my answer\nq\n"],
                         ids=["input ends before the verdict", "no input", "q as the answer",
                              "q as the verdict"])
def test_stopping_early_saves_nothing_for_the_unfinished_card(tmp_path, answers):
    state_file = tmp_path / "quiz.json"
    status, out, _ = run_quiz(state_file, "4", answers=answers)
    assert status == 0
    assert "Stopped" in out
    assert not state_file.exists() or not saved(state_file)
    assert f"Still due now: {len(CARDS)} cards." in out


def test_list_shows_every_card_and_asks_nothing(tmp_path):
    state_file = tmp_path / "quiz.json"
    run_quiz(state_file, "4", "--once", answers="\neasy\n")
    status, out, _ = run_quiz(state_file, "4", "--list")
    assert status == 0
    rows = [line for line in out.splitlines() if line[:4].strip().isdigit()]
    assert len(rows) == len(CARDS)
    assert "box 2" in rows[0] and "in 3 days" in rows[0]
    assert all("new" in row and "due now" in row for row in rows[1:])
    assert f"{len(CARDS)} cards: {len(CARDS) - 1} due now" in out
    assert "Your answer" not in out


def test_all_takes_every_lesson_in_the_manifest(tmp_path):
    status, out, _ = run_quiz(tmp_path / "quiz.json", "--all", "--list")
    assert status == 0
    for lesson in manifest.lessons():
        assert f"Lesson {lesson.number}: {lesson.title}" in out
    assert f"{len(deck.deck(manifest.lessons()))} cards" in out


@pytest.mark.parametrize("args, message", [(["4", "--all"], "not both"),
                                           (["99"], "there is no lesson '99'")])
def test_bad_arguments_are_a_usage_error(tmp_path, args, message):
    status, out, err = run_quiz(tmp_path / "quiz.json", *args)
    assert status == 2 and message in err and out == ""


def test_an_unreadable_schedule_is_reported_and_left_as_it_is(tmp_path):
    state_file = tmp_path / "quiz.json"
    state_file.write_text("{not json")
    status, out, err = run_quiz(state_file, "4", answers="\ngood\n")
    assert status == 2
    assert "is not a quiz schedule" in err and "Nothing was changed" in err
    assert state_file.read_text() == "{not json"


def test_without_a_lesson_it_asks_the_lessons_you_passed(tmp_path, monkeypatch):
    from kata.check import file_digest

    monkeypatch.setattr(state, "STATE_FILE", tmp_path / "state.json")
    first, second = manifest.lessons()[:2]
    results = {
        first.slug: {"passed": 7, "total": 7, "sha1": file_digest(first.learner_file())},
        second.slug: {"passed": 7, "total": 7, "sha1": "a file that has changed since"},
    }
    state.save({"results": results})
    assert passed_lessons() == [first]
    status, out, _ = run_quiz(tmp_path / "quiz.json", "--list")
    assert status == 0 and f"Lesson {first.number}:" in out and f"Lesson {second.number}:" \
        not in out
    results[first.slug]["passed"] = 6
    state.save({"results": results})
    status, out, _ = run_quiz(tmp_path / "quiz.json")
    assert status == 0 and "No lesson passed yet" in out


def read_until(stream, pattern: str, timeout: float = 10) -> str:
    """What the process printed until `pattern` matched (a prompt has no newline: read bytes)."""
    seen = ""
    deadline = time.monotonic() + timeout
    while not re.search(pattern, seen, re.DOTALL):
        assert time.monotonic() < deadline, f"no {pattern!r} in {seen!r}"
        chunk = os.read(stream.fileno(), 4096).decode()
        assert chunk, f"the process ended before {pattern!r}: {seen!r}"
        seen += chunk
    return seen


@pytest.mark.timeout(20)
def test_ctrl_c_stops_cleanly_and_keeps_the_verdicts_given(tmp_path):
    state_file = tmp_path / "quiz.json"
    process = kata_process("quiz", "4", "--state", str(state_file))
    try:
        process.stdin.write("\ngood\n")
        process.stdin.flush()
        read_until(process.stdout, "→ good.*Your answer")
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=10)
    finally:
        process.kill()
    assert process.returncode == 0, err
    assert "Stopped (Ctrl-C)" in out
    assert "Traceback" not in err
    assert list(saved(state_file)) == [CARDS[0].key]


@pytest.mark.timeout(20)
def test_a_closed_pipe_ends_the_quiz_quietly(tmp_path):
    process = kata_process("quiz", "4", "--state", str(tmp_path / "quiz.json"))
    try:
        process.stdout.close()  # the reader went away (`... | head -1`)
        process.stdout = None
        _, err = process.communicate("\ngood\n" * len(CARDS), timeout=10)
    finally:
        process.kill()
    assert process.returncode == 0, err
    assert err == "", err
