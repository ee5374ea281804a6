"""The grader's report: what a learner sees from ``make check``.

One small bug usually fails many checks, so the report fits a screen: the first failing check
in full (scenario, expected, observed, timeline, what the learner's code printed), the others
one line each (``ALL=1`` / ``--all`` shows every one in full). Colour only when asked (on a
terminal, see ``kata.terminal``). Kept apart from running the checks so that its format can be
pinned by golden tests.
"""

from __future__ import annotations

import os
import re
import textwrap
from dataclasses import dataclass, field
from typing import Any

Explanation = list[tuple[str, str]]

PASSED, FAILED, SKIPPED, NOT_RUN = "passed", "failed", "skipped", "not run"

#: Prose longer than this is wrapped (code, timelines and printed output never are).
WIDTH = 96


@dataclass
class CheckResult:
    name: str
    outcome: str  #: passed / failed / skipped / not run
    explanation: Explanation = field(default_factory=list)
    printed: dict[str, Any] | None = None  #: ``{"text": first lines, "cut": lines cut}``
    #: This check ended the grading (a timeout, a crash): shown in full even when it is not
    #: the first failure, since what it says is why the rest did not run.
    ended_grading: bool = False

    @property
    def passed(self) -> bool:
        return self.outcome == PASSED


@dataclass
class Commands:
    """The commands the report suggests (spelled by ``kata.commands``)."""

    hint: str
    all: str | None = None  #: the same check with every failure in full
    next: str | None = None  #: the next lesson, once this one passes


@dataclass
class Report:
    title: str
    graded: str
    results: list[CheckResult]
    commands: Commands
    import_printed: dict[str, Any] | None = None
    notes: list[str] = field(default_factory=list)  #: shown after the checks


class _Style:
    """ANSI colour, or nothing."""

    def __init__(self, colour: bool) -> None:
        self.colour = colour

    def _wrap(self, code: str, text: str) -> str:
        return f"\033[{code}m{text}\033[0m" if self.colour and text else text

    def bold(self, text: str) -> str:
        return self._wrap("1", text)

    def dim(self, text: str) -> str:
        return self._wrap("2", text)

    def good(self, text: str) -> str:
        return self._wrap("32", text)

    def bad(self, text: str) -> str:
        return self._wrap("31", text)


def _marks() -> dict[str, str]:
    if os.environ.get("KATA_ASCII"):
        return {PASSED: "PASS", FAILED: "FAIL", SKIPPED: "SKIP", NOT_RUN: "----"}
    return {PASSED: "✓", FAILED: "✗", SKIPPED: "–", NOT_RUN: "·"}


def render(report: Report, *, show_all: bool = False, colour: bool = False) -> str:
    """The whole report as text."""
    style, marks = _Style(colour), _marks()
    lines = _heading(report, style)
    failures = [r for r in report.results if r.outcome == FAILED]
    in_full = failures if show_all else \
        failures[:1] + [r for r in failures[1:] if r.ended_grading]
    for result in report.results:
        mark = marks[result.outcome]
        if result.outcome == PASSED:
            lines.append(f"  {style.good(mark)} {result.name}")
        elif result.outcome == FAILED:
            lines.append(f"  {style.bad(mark)} {result.name}")
            if result in in_full:
                lines.extend(_explanation(result.explanation, style))
                lines.extend(_printed(result.printed, "your code printed", "      ", style))
        elif result.outcome == SKIPPED:
            reason = f": {result.explanation[0][1]}" if result.explanation else ""
            lines.append(style.dim(f"  {mark} {result.name} (skipped{reason})"))
        else:
            lines.append(style.dim(f"  {mark} {result.name} (not run)"))
    lines.append("")
    for line in report.notes + _summary(report, failures, len(in_full), style):
        lines.extend(_wrapped(line))
    return "\n".join(lines) + "\n"


def _heading(report: Report, style: _Style) -> list[str]:
    lines = [style.bold(report.title), f"grading {report.graded}", ""]
    printed = _printed(report.import_printed, "your module printed while it was imported",
                       "  ", style)
    return lines + (printed + [""] if printed else [])


def _summary(report: Report, failures: list[CheckResult], in_full: int,
             style: _Style) -> list[str]:
    counted = [r for r in report.results if r.outcome != SKIPPED]
    passed = sum(r.passed for r in counted)
    not_run = sum(r.outcome == NOT_RUN for r in counted)
    complete = bool(counted) and passed == len(counted)
    line = f"{passed} of {len(counted)} checks pass."
    lines = [style.good(line) if complete else line]
    if not_run:
        lines.append(f"{not_run} did not run: grading stopped at the check above that did not "
                     f"finish. Fix that one first.")
    one_line = len(failures) - in_full
    if one_line and report.commands.all:
        others = "the other one in one line" if one_line == 1 else \
            f"the other {one_line} one line each"
        lines.append(f"The first failure is shown in full, {others}: "
                     f"`{report.commands.all}` shows every failure in full.")
    if complete:
        lines.append("Lesson complete." + (f" Next: `{report.commands.next}`"
                                           if report.commands.next else ""))
    else:
        lines.append(f"Stuck? `{report.commands.hint}` shows the next hint.")
    return lines


def _explanation(explanation: Explanation, style: _Style) -> list[str]:
    out = []
    for label, text in explanation:
        text_lines = text.splitlines() or [""]
        if label == "timeline":
            text_lines = [style.dim(line) for line in text_lines]
        if not label:
            for line in text_lines:
                out.extend(_wrapped(line, "      ", "      "))
        elif len(text_lines) == 1:
            out.extend(_wrapped(f"{label}: {text_lines[0]}", "      ", "        "))
        else:
            out.append(f"      {label}:")
            out.extend(f"        {line}" for line in text_lines)
    return out


def _wrapped(text: str, first: str = "", rest: str = "") -> list[str]:
    """Prose wrapped at ``WIDTH``; a line that starts with spaces (code) is left alone, and a
    `command` in backticks is never split, so that it can be copied."""
    if len(first) + len(text) <= WIDTH or text.startswith(" "):
        return [first + text]
    glued = re.sub(r"`[^`]*`", lambda m: m.group().replace(" ", "\u00a0"), text)
    return [line.replace("\u00a0", " ") for line in
            textwrap.wrap(glued, WIDTH, initial_indent=first, subsequent_indent=rest,
                          break_long_words=False, break_on_hyphens=False)]


def _printed(printed: dict[str, Any] | None, heading: str, indent: str,
             style: _Style) -> list[str]:
    """What the learner's code printed, trimmed, with a count of what was cut."""
    if not printed or not (printed.get("text") or printed.get("cut")):
        return []
    shown = printed["text"].splitlines() if printed.get("text") else []
    cut = printed.get("cut", 0)
    total = len(shown) + cut
    lines = [f"{indent}{heading} ({total:,} line{'s' if total != 1 else ''}):"]
    lines.extend(f"{indent}  {line}" for line in shown)
    if cut:
        lines.append(style.dim(f"{indent}  … {cut:,} more line{'s' if cut != 1 else ''} "
                               f"not shown"))
    return lines


def render_problem(report: Report, problem: Explanation, *, colour: bool = False) -> str:
    """A report for a module that could not be graded at all: one message, no checks."""
    style = _Style(colour)
    lines = _heading(report, style)
    lines.extend(line[4:] for line in _explanation(problem, style))
    lines.append("")
    for line in report.notes + ["No checks ran: fix this first, then run the check again.",
                                f"Stuck? `{report.commands.hint}` shows the next hint."]:
        lines.extend(_wrapped(line))
    return "\n".join(lines) + "\n"
