"""The report's format is pinned by golden files, so it cannot rot unnoticed.

To change the format on purpose: `KATA_UPDATE_GOLDEN=1 make test`, then read the diff.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from kata.report import CheckResult, render, render_problem

GOLDEN = Path(__file__).parent / "golden"

RESULTS = [
    CheckResult("Opens after `failure_threshold` consecutive failures", True),
    CheckResult("Rejects calls while open, without calling the service", False, [
        ("scenario", "users service failed 3 times in a row (503, 503, timeout); threshold 3"),
        ("expected", "state OPEN and the 4th call rejected with CircuitOpenError"),
        ("observed", "state CLOSED; the 4th call reached the service"),
        ("timeline", "users: t=   0.000  GET /users/1 -> 503\n"
                     "users: t=   1.000  GET /users/1 -> 503\n"
                     "users: t=   2.000  GET /users/1 -> read timeout"),
    ]),
    CheckResult("Admits a trial call after recovery_timeout", False, [
        ("", "not implemented yet: call (lessons/04_count_breaker/breaker.py, line 80)")]),
]


@pytest.fixture(autouse=True)
def marks(monkeypatch):
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("KATA_ASCII", raising=False)


def matches_golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("KATA_UPDATE_GOLDEN"):
        path.write_text(text)
    assert text == path.read_text(), f"the report format changed; see {path}"


def test_report_with_failures():
    text = render("Lesson 4: Count-based circuit breaker",
                  "lessons/04_count_breaker/breaker.py", RESULTS, "make hint LESSON=4")
    matches_golden("report_failures.txt", text)


def test_report_all_passing():
    passing = [CheckResult(r.name, True) for r in RESULTS]
    text = render("Lesson 4: Count-based circuit breaker",
                  "lessons/04_count_breaker/breaker.py", passing, "make hint LESSON=4",
                  "make check LESSON=5")
    matches_golden("report_passing.txt", text)


def test_report_of_a_module_that_does_not_import():
    text = render_problem("Lesson 1: Naive retry", "lessons/01_naive_retry/retry.py", [
        ("", "syntax error in lessons/01_naive_retry/retry.py, line 3: expected ':'"),
        ("", "    def retry(func, attempts=3)\n                               ^"),
    ], "make hint LESSON=1")
    matches_golden("report_import_problem.txt", text)


def test_no_color_uses_words(monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    text = render("T", "f.py", RESULTS[:2], "make hint LESSON=4")
    assert "  PASS Opens" in text and "  FAIL Rejects" in text
