"""The grader's report: what a learner sees from ``make check``.

Kept apart from running the checks so that its format can be pinned by golden tests.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

Explanation = list[tuple[str, str]]


@dataclass
class CheckResult:
    name: str
    passed: bool
    explanation: Explanation = field(default_factory=list)


def _marks() -> tuple[str, str]:
    if os.environ.get("NO_COLOR") is not None or os.environ.get("KATA_ASCII"):
        return "PASS", "FAIL"
    return "✓", "✗"


def render(title: str, graded: str, results: list[CheckResult], hint_command: str,
           next_lesson: str | None = None) -> str:
    """The whole report as text."""
    good, bad = _marks()
    lines = [title, f"grading {graded}", ""]
    for result in results:
        lines.append(f"  {good if result.passed else bad} {result.name}")
        if not result.passed:
            lines.extend(_explanation(result.explanation))
    passed = sum(r.passed for r in results)
    lines.append("")
    lines.append(f"{passed} of {len(results)} checks pass.")
    if results and passed == len(results):
        lines.append("Lesson complete." + (f" Next: {next_lesson}" if next_lesson else ""))
    else:
        lines.append(f"Stuck? `{hint_command}` shows the next hint.")
    return "\n".join(lines) + "\n"


def _explanation(explanation: Explanation) -> list[str]:
    out = []
    for label, text in explanation:
        text_lines = text.splitlines() or [""]
        if not label:
            out.extend(f"      {line}" for line in text_lines)
        elif len(text_lines) == 1:
            out.append(f"      {label}: {text_lines[0]}")
        else:
            out.append(f"      {label}:")
            out.extend(f"        {line}" for line in text_lines)
    return out


def render_problem(title: str, graded: str, problem: Explanation, hint_command: str) -> str:
    """A report for a module that could not even be imported: one message, no checks."""
    lines = [title, f"grading {graded}", ""]
    lines.extend(line[4:] for line in _explanation(problem))
    lines += ["", "No checks ran: fix this first, then run the check again.",
              f"Stuck? `{hint_command}` shows the next hint."]
    return "\n".join(lines) + "\n"
