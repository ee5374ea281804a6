"""What one lesson's mutation run found, as text for people and JSON for tools."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..manifest import Lesson
from ..manifest import shown as _shown
from .equivalents import FILE_NAME, Entry
from .grading import ERROR, KILLED, SURVIVED, TIMEOUT, Verdict
from .mutator import Mutant

EQUIVALENT = "equivalent"


@dataclass
class Outcome:
    mutant: Mutant
    learner: bool  #: in the learner-written part of the reference
    verdict: Verdict
    entry: str  #: the line that lists it in the equivalents file (with ``#n`` if needed)
    listed: Entry | None = None  #: its entry in the equivalents file, if any

    @property
    def status(self) -> str:
        if self.verdict.status == SURVIVED and self.listed is not None:
            return EQUIVALENT
        return self.verdict.status


@dataclass(frozen=True)
class Tally:
    mutants: int
    killed: int  #: timeouts included
    timeouts: int
    equivalent: int
    survived: int
    errors: int

    @property
    def kill_rate(self) -> float | None:
        """Killed, as a percentage of the mutants that are not equivalent."""
        judged = self.mutants - self.equivalent
        return 100.0 * self.killed / judged if judged else None

    def as_dict(self) -> dict[str, object]:
        return {"mutants": self.mutants, "killed": self.killed, "timeouts": self.timeouts,
                "equivalent": self.equivalent, "survived": self.survived,
                "errors": self.errors, "kill_rate": self.kill_rate}


@dataclass
class LessonResult:
    lesson: Lesson
    baseline: Verdict
    seconds: float
    outcomes: list[Outcome] = field(default_factory=list)
    stale: list[Entry] = field(default_factory=list)
    selection: str = ""  #: how the mutants were narrowed ("" when all were graded)

    def tally(self, learner_only: bool) -> Tally:
        chosen = [o for o in self.outcomes if o.learner or not learner_only]
        count = lambda *statuses: sum(o.status in statuses for o in chosen)  # noqa: E731
        return Tally(len(chosen), count(KILLED, TIMEOUT), count(TIMEOUT), count(EQUIVALENT),
                     count(SURVIVED), count(ERROR))

    @property
    def survivors(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.status == SURVIVED]

    @property
    def wrongly_listed(self) -> list[Outcome]:
        """Listed as equivalent, yet a check kills them: the entry is wrong."""
        return [o for o in self.outcomes if o.listed is not None and o.status != EQUIVALENT]

    @property
    def bar_met(self) -> bool:
        """Every non-equivalent learner-part mutant killed, and the equivalents file exact."""
        return (self.baseline.status == SURVIVED
                and not any(o.learner for o in self.survivors)
                and not self.stale and not self.wrongly_listed
                and not any(o.status == ERROR for o in self.outcomes))


def render(result: LessonResult) -> str:
    lesson = result.lesson
    equivalents = f"tests/{lesson.slug}/{FILE_NAME}"
    lines = [f"Lesson {lesson.number}: {lesson.title}",
             f"  {_shown(lesson.reference_file)}, graded by tests/{lesson.slug}/"
             f"{' (' + result.selection + ')' if result.selection else ''}"]
    if result.baseline.status != SURVIVED:
        lines.append(f"  The reference itself fails its checks ({result.baseline.status}: "
                     f"{result.baseline.check}); fix that first: no mutant was graded.")
        return "\n".join(lines) + "\n"
    lines.append(f"  {len(result.outcomes)} mutants graded in {result.seconds:.1f} s")
    for label, learner_only in (("learner-written part", True), ("whole file", False)):
        lines.append(f"  {label + ':':<22}{_tally_text(result.tally(learner_only))}")
    if result.survivors:
        lines += ["", f"  Survived: no check fails. Kill each with a check, or list it in "
                      f"{equivalents} with a reason:"]
        for outcome in result.survivors:
            part = "learner-written" if outcome.learner else "handed over by the starter"
            lines += [f"    line {outcome.mutant.line} ({part}; {outcome.mutant.operator})",
                      f"      {outcome.entry}"]
    equivalent = [o for o in result.outcomes if o.status == EQUIVALENT]
    if equivalent:
        lines += ["", f"  Equivalent (listed in {equivalents}):"]
        lines += [f"    line {o.mutant.line}: {o.entry}\n        {o.listed.reason}"
                  for o in equivalent if o.listed is not None]
    if result.wrongly_listed:
        lines += ["", f"  Listed in {equivalents}, but a check kills them (remove the entry):"]
        lines += [f"    {o.entry}\n        killed by: {o.verdict.check}"
                  for o in result.wrongly_listed]
    if result.stale:
        lines += ["", f"  Stale entries in {equivalents} (they match no mutant any more; "
                      f"update or remove them):"]
        lines += [f"    line {entry.line}: {entry}" for entry in result.stale]
    errors = [o for o in result.outcomes if o.status == ERROR]
    if errors:
        lines += ["", "  The mutation tool itself failed on these (please report this):"]
        lines += [f"    {o.entry}\n{_indent(o.verdict.check, 6)}" for o in errors]
    learner_survivors = sum(o.learner for o in result.survivors)
    lines += ["", "  Bar met: every non-equivalent learner-part mutant is killed." if
              result.bar_met else f"  Bar not met: {learner_survivors} learner-part "
              f"survivor(s), {len(result.stale)} stale and {len(result.wrongly_listed)} wrong "
              f"equivalent entries."]
    return "\n".join(lines) + "\n"


def summary(results: list[LessonResult], seconds: float, jobs: int) -> str:
    header = (f"{'lesson':>6}  {'mutants':>7}  {'killed':>6}  {'timeout':>7}  {'equiv.':>6}  "
              f"{'survived':>8}  {'learner part':>15}  {'whole file':>10}  {'time':>7}")
    lines = [f"Mutation testing: {len(results)} lesson(s), {jobs} job(s), "
             f"{seconds:.0f} s in all", header]
    for result in results:
        whole, learner = result.tally(False), result.tally(True)
        if result.baseline.status != SURVIVED:
            lines.append(f"{result.lesson.number:>6}  the reference fails its checks")
            continue
        lines.append(
            f"{result.lesson.number:>6}  {whole.mutants:>7}  {whole.killed:>6}  "
            f"{whole.timeouts:>7}  {whole.equivalent:>6}  "
            f"{f'{whole.survived} ({learner.survived})':>8}  "
            f"{f'{_rate(learner.kill_rate)} of {learner.mutants}':>15}  "
            f"{_rate(whole.kill_rate):>10}  {result.seconds:>6.1f}s")
    lines.append("survived: all (learner-written part); learner part: kill rate of the "
                 "non-equivalent mutants of the lines the starter does not hand over")
    return "\n".join(lines) + "\n"


def as_json(result: LessonResult, jobs: int) -> dict[str, object]:
    lesson = result.lesson
    return {
        "lesson": lesson.number, "slug": lesson.slug,
        "reference": _shown(lesson.reference_file),
        "equivalents_file": f"tests/{lesson.slug}/{FILE_NAME}",
        "selection": result.selection, "jobs": jobs, "seconds": round(result.seconds, 2),
        "baseline": {"status": result.baseline.status, "check": result.baseline.check},
        "bar_met": result.bar_met,
        "learner_part": result.tally(True).as_dict(),
        "whole_file": result.tally(False).as_dict(),
        "mutants": [{
            "number": o.mutant.number, "line": o.mutant.line, "lines": list(o.mutant.lines),
            "scope": o.mutant.scope, "operator": o.mutant.operator,
            "before": o.mutant.before, "after": o.mutant.after, "entry": o.entry,
            "learner": o.learner, "status": o.status, "check": o.verdict.check,
            "seconds": round(o.verdict.seconds, 3),
            "equivalent_reason": o.listed.reason if o.listed else None,
        } for o in result.outcomes],
        "stale": [{"line": e.line, "entry": str(e), "reason": e.reason} for e in result.stale],
        "wrongly_listed": [o.entry for o in result.wrongly_listed],
    }


def _tally_text(tally: Tally) -> str:
    timeouts = f" ({tally.timeouts} by timeout)" if tally.timeouts else ""
    errors = f", {tally.errors} tool errors" if tally.errors else ""
    return (f"{tally.mutants} mutants, {tally.killed} killed{timeouts}, {tally.equivalent} "
            f"equivalent, {tally.survived} survived{errors}: kill rate "
            f"{_rate(tally.kill_rate)}")


def _rate(rate: float | None) -> str:
    return "-" if rate is None else f"{rate:.1f}%"


def _indent(text: str, width: int) -> str:
    return "\n".join(" " * width + line for line in text.splitlines())


