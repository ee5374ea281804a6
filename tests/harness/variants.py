"""The implementations one lesson's checks can be run against.

When grading, there is one: the learner's module. When the project tests itself (`make
test`), every check runs against:

* the **reference** (``solutions/NN_slug/``): must pass every check;
* the **starter** (the pristine copy in ``lessons/NN_slug/.starter/``): must fail every
  check, cleanly;
* each entry of the lesson's **misconception catalogue** (``tests/NN_slug/catalogue/*.py``):
  a plausible wrong implementation declares the checks that must reject it::

      '''Opens one failure too early (count > threshold - 1).'''
      CAUGHT_BY = ["test_opens_after_threshold_consecutive_failures"]
      REPEAT = 20   # optional: run the rejecting checks this many times (races)

  and a differently built correct implementation declares ``ACCEPTED = True``: it must pass
  every check.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from pathlib import Path

from kata.manifest import Lesson

REFERENCE, STARTER, WRONG, ALTERNATIVE, LEARNER = (
    "reference", "starter", "wrong", "alternative", "learner")


@dataclass(frozen=True)
class Variant:
    kind: str
    name: str
    path: Path
    summary: str = ""
    caught_by: tuple[str, ...] = field(default=())
    repeat: int = 1

    @property
    def must_fail(self) -> bool:
        return self.kind in (STARTER, WRONG)

    def applies_to(self, check: str) -> bool:
        """Whether this variant runs in ``check`` during the audit."""
        return self.kind != WRONG or check in self.caught_by

    def label(self) -> str:
        if self.kind == WRONG:
            return f"catalogue entry {self.path.name} ({self.summary})"
        if self.kind == ALTERNATIVE:
            return f"correct alternative {self.path.name} ({self.summary})"
        return f"the {self.kind} ({self.path})"

    def ids(self) -> list[str]:
        tag = {WRONG: "wrong", ALTERNATIVE: "ok"}.get(self.kind)
        base = f"{tag}:{self.name}" if tag else self.kind
        return [base] if self.repeat == 1 else [f"{base}#{i + 1}" for i in range(self.repeat)]


class CatalogueError(ValueError):
    """A catalogue entry that does not say whether it is wrong (CAUGHT_BY) or right (ACCEPTED)."""


def catalogue(lesson: Lesson) -> list[Variant]:
    """The lesson's catalogue entries, read without importing them."""
    entries = []
    for path in sorted(lesson.catalogue_dir.glob("*.py")):
        tree = ast.parse(path.read_text(), filename=str(path))
        summary = (ast.get_docstring(tree) or "").strip().splitlines()
        settings = _module_constants(tree)
        caught_by = tuple(settings.get("CAUGHT_BY", ()))
        accepted = bool(settings.get("ACCEPTED", False))
        if bool(caught_by) == accepted:
            raise CatalogueError(f"{path}: set either CAUGHT_BY = [check names] (a wrong "
                                 f"implementation) or ACCEPTED = True (a correct one)")
        entries.append(Variant(kind=ALTERNATIVE if accepted else WRONG, name=path.stem,
                               path=path, summary=summary[0] if summary else path.stem,
                               caught_by=caught_by, repeat=int(settings.get("REPEAT", 1))))
    return entries


def audit_variants(lesson: Lesson) -> list[Variant]:
    """Everything the project's own test suite grades for this lesson."""
    return [Variant(REFERENCE, "reference", lesson.reference_file),
            Variant(STARTER, "starter", lesson.starter_file),
            *catalogue(lesson)]


def _module_constants(tree: ast.Module) -> dict[str, object]:
    constants: dict[str, object] = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and \
                isinstance(node.targets[0], ast.Name) and node.targets[0].id.isupper():
            try:
                constants[node.targets[0].id] = ast.literal_eval(node.value)
            except ValueError:
                pass
    return constants
