"""The report's format is pinned by golden files, so it cannot rot unnoticed.

To change the format on purpose: `KATA_UPDATE_GOLDEN=1 make test`, then read the diff.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from kata.report import FAILED, NOT_RUN, PASSED, CheckResult, Commands, Report, render, \
    render_problem

GOLDEN = Path(__file__).parent / "golden"
TITLE, GRADED = "Lesson 4: Count-based circuit breaker", "lessons/04_count_breaker/breaker.py"
MAKE = Commands(hint="make hint LESSON=4", all="make check LESSON=4 ALL=1",
                next="make check LESSON=5")

RESULTS = [
    CheckResult("Opens after `failure_threshold` consecutive failures", PASSED),
    CheckResult("Rejects calls while open, without calling the service", FAILED, [
        ("scenario", "users service failed 3 times in a row (503, 503, timeout); threshold 3"),
        ("expected", "state OPEN and the 4th call rejected with CircuitOpenError"),
        ("observed", "state CLOSED; the 4th call reached the service"),
        ("timeline", "users: t=   0.000  GET /users/1 -> 503\n"
                     "users: t=   1.000  GET /users/1 -> 503\n"
                     "users: t=   2.000  GET /users/1 -> read timeout"),
    ], {"text": "failures: 1\nfailures: 2", "cut": 0}),
    CheckResult("Admits a trial call after recovery_timeout", FAILED, [
        ("", "not implemented yet: call (lessons/04_count_breaker/breaker.py, line 80)")]),
    CheckResult("Closes after `success_threshold` trial successes", FAILED, [
        ("", "not implemented yet: call (lessons/04_count_breaker/breaker.py, line 80)")]),
]


@pytest.fixture(autouse=True)
def marks(monkeypatch):
    monkeypatch.delenv("KATA_ASCII", raising=False)


def matches_golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("KATA_UPDATE_GOLDEN"):
        path.write_text(text)
    assert text == path.read_text(), f"the report format changed; see {path}"


def test_the_first_failure_in_full_and_the_others_one_line_each():
    matches_golden("report_failures.txt", render(Report(TITLE, GRADED, RESULTS, MAKE)))


def test_every_failure_in_full_on_request():
    text = render(Report(TITLE, GRADED, RESULTS, MAKE), show_all=True)
    matches_golden("report_all_failures.txt", text)


def test_report_all_passing():
    passing = [CheckResult(r.name, PASSED) for r in RESULTS]
    matches_golden("report_passing.txt", render(Report(TITLE, GRADED, passing, MAKE)))


def test_report_of_a_module_that_does_not_import():
    report = Report("Lesson 1: Naive retry", "lessons/01_naive_retry/retry.py", [],
                    Commands(hint="make hint LESSON=1"))
    text = render_problem(report, [
        ("", "syntax error in lessons/01_naive_retry/retry.py, line 3: expected ':'"),
        ("", "    def retry(func, attempts=3)\n                               ^"),
    ])
    matches_golden("report_import_problem.txt", text)


def test_what_the_code_printed_is_trimmed_with_a_count():
    flood = CheckResult(RESULTS[1].name, FAILED, RESULTS[1].explanation,
                        {"text": "\n".join(f"retrying {n}" for n in range(12)), "cut": 999_988})
    report = Report(TITLE, GRADED, [RESULTS[0], flood], MAKE,
                    import_printed={"text": "loading my breaker", "cut": 0})
    matches_golden("report_printed.txt", render(report))


def test_checks_that_did_not_run_are_one_line_each():
    stopped = [RESULTS[0], CheckResult(RESULTS[1].name, FAILED, [
        ("", "timed out: the check did not finish within its time limit; your code was at "
             "lessons/04_count_breaker/breaker.py, line 90, in call. An infinite loop, a "
             "deadlock, or a wait that never ends?")]),
        CheckResult(RESULTS[2].name, NOT_RUN), CheckResult(RESULTS[3].name, NOT_RUN)]
    matches_golden("report_not_run.txt", render(Report(TITLE, GRADED, stopped, MAKE)))


def test_suggestions_are_spelled_as_the_learner_runs_the_kata():
    python = Commands(hint="python -m kata hint 4", all="python -m kata check 4 --all",
                      next="python -m kata check 5")
    matches_golden("report_python_commands.txt", render(Report(TITLE, GRADED, RESULTS, python)))


def test_colour_marks_passes_failures_and_timelines():
    text = render(Report(TITLE, GRADED, RESULTS, MAKE), colour=True)
    matches_golden("report_colour.txt", text)
    assert "\033[32m✓\033[0m" in text and "\033[31m✗\033[0m" in text
    assert "\033[2musers: t=   0.000" in text


def test_no_colour_means_no_escape_codes():
    assert "\033" not in render(Report(TITLE, GRADED, RESULTS, MAKE), colour=False)


def test_ascii_marks_on_request(monkeypatch):
    monkeypatch.setenv("KATA_ASCII", "1")
    text = render(Report("T", "f.py", RESULTS[:2], MAKE))
    assert "  PASS Opens" in text and "  FAIL Rejects" in text


def test_the_check_that_ended_grading_is_shown_in_full_too():
    crash = CheckResult(RESULTS[3].name, FAILED, [
        ("", "grading stopped: the grading process crashed with a segmentation fault")],
        ended_grading=True)
    text = render(Report(TITLE, GRADED, [*RESULTS[:3], crash], MAKE))
    assert "segmentation fault" in text and "not implemented yet" not in text
