"""`make mutants`: the mutator, the learner-part filter, the equivalents file, one small run."""

from __future__ import annotations

import ast
import functools
import json
import textwrap

import pytest

from kata import cli, manifest
from kata.mutants import equivalents, grading, report, run_lesson
from kata.mutants.equivalents import EquivalentsError, entry_line, occurrence_of, parse
from kata.mutants.learner_part import learner_lines
from kata.mutants.mutator import Mutant, mutants_of, mutated_source

SAMPLE = textwrap.dedent('''\
    """A module docstring: never mutated."""
    from __future__ import annotations

    import threading


    class Counter:
        """A class docstring."""

        def __init__(self, limit: int = 3, *, name: str = "c") -> None:
            self.limit = limit
            self.count = 0
            self._lock = threading.Lock()

        def add(self, items: list[int]) -> bool:
            """A method docstring."""
            with self._lock:
                for item in items[1:self.limit]:
                    if item < 0 or item == 7:
                        continue
                    if not self.ready:
                        break
                    self.count += item * 2
            return self.count >= self.limit

        @property
        def ready(self) -> bool:
            return True

        def label(self) -> str:
            return f"{self.count + 1} of {self.limit}"
    ''')


def changes(source: str = SAMPLE) -> dict[str, set[str]]:
    """Every mutant of ``source`` as ``scope: before → after``, grouped by operator."""
    found: dict[str, set[str]] = {}
    for mutant in mutants_of(source):
        found.setdefault(mutant.operator, set()).add(f"{mutant.scope}: {mutant.change}")
    return found


# -- the mutator ---------------------------------------------------------------------------

def test_each_operator_makes_its_change():
    found = changes()
    assert "Counter.add: item < 0 or item == 7 → item <= 0 or item == 7" in found["comparison"]
    assert "Counter.add: item < 0 or item == 7 → item < 0 or item != 7" in found["comparison"]
    assert "Counter.add: return self.count >= self.limit → return self.count > self.limit" in \
        found["comparison"]
    assert "Counter.add: self.count += item * 2 → self.count -= item * 2" in found["arithmetic"]
    assert "Counter.add: self.count += item * 2 → self.count += item / 2" in found["arithmetic"]
    assert {"Counter.add: self.count += item * 2 → self.count += item * 3",
            "Counter.add: self.count += item * 2 → self.count += item * 1",
            "Counter.add: self.count += item * 2 → self.count += item * 0"} <= found["constant"]
    assert "Counter.add: item < 0 or item == 7 → item < 0 and item == 7" in found["and/or"]
    assert found["not"] == {"Counter.add: not self.ready → self.ready"}
    assert found["boolean"] == {"Counter.ready: return True → return False"}
    assert "Counter.ready: return True → return None" in found["return None"]
    assert "Counter.__init__: self.count = 0 → pass" in found["delete statement"]
    assert found["break/continue"] == {"Counter.add: continue → break",
                                       "Counter.add: break → continue"}
    assert found["remove with"] == {
        "Counter.add: with self._lock: → (its body, without the with)"}
    assert found["default argument"] == {"Counter.__init__: limit=3 → limit=None",
                                         "Counter.__init__: name='c' → name=None"}
    assert "Counter.__init__: limit=3 → limit=4" in found["constant"]
    assert found["index ±1"] == {"Counter.add: items[1:self.limit] → items[1:self.limit + 1]",
                                 "Counter.add: items[1:self.limit] → items[1:self.limit - 1]"}
    assert "negate condition" not in found  # `if not self.ready` gets the `not` removal


def test_never_mutates_docstrings_annotations_imports_decorators_or_message_text():
    everything = "\n".join(c for group in changes().values() for c in group)
    for untouchable in ("docstring", "list[int]", "-> bool", "import", "@property",
                        "__future__"):
        assert untouchable not in everything
    label = {m.operator for m in mutants_of(SAMPLE) if m.scope == "Counter.label"}
    assert label == {"return None"}, "nothing inside the f-string is changed"


def test_a_mutated_module_differs_from_the_reference_in_exactly_that_change():
    tree = ast.parse(SAMPLE)
    original = ast.dump(tree)
    for mutant in mutants_of(SAMPLE):
        source = mutated_source(tree, mutant)
        compile(source, "mutant.py", "exec")
        assert ast.dump(tree) == original, "the reference's tree must stay untouched"
        assert ast.unparse(ast.parse(source)) != ast.unparse(tree), mutant.change
    removed = next(m for m in mutants_of(SAMPLE) if m.operator == "remove with")
    unlocked = mutated_source(tree, removed)
    assert "with self._lock" not in unlocked and "self.count += item * 2" in unlocked


def test_identity_survives_unrelated_edits_and_layout():
    edited = SAMPLE.replace("class Counter:", "def helper() -> int:\n    return 41\n\n\n"
                                              "class Counter:")
    edited = edited.replace("return self.count >= self.limit",
                            "return (self.count\n                    >= self.limit)  # wrapped")
    before = {(m.scope, m.before, m.after) for m in mutants_of(SAMPLE)}
    after = {(m.scope, m.before, m.after) for m in mutants_of(edited) if m.scope != "helper"}
    assert before == after


def test_a_mutant_in_an_if_or_while_condition_shows_only_the_condition():
    source = "def f(ready):\n    while ready():\n        if ready:\n            return 1\n"
    found = changes(source)
    assert found["negate condition"] == {"f: ready() → not ready()", "f: ready → not ready"}


# -- the learner-written part --------------------------------------------------------------

def test_the_learner_part_is_what_the_starter_does_not_hand_over():
    starter = textwrap.dedent('''\
        """Starter: write `add`."""
        LIMIT = 3  # given


        def add(a, b):
            """Add them."""
            raise NotImplementedError("add")


        def given(x):
            return x + LIMIT
        ''')
    reference = textwrap.dedent('''\
        """Reference."""
        LIMIT = 3  # a different comment does not make it the learner's


        def add(a, b):
            """Add them, a longer docstring
            on two lines."""
            total = a + b
            return total


        def given(x):
            return x + LIMIT
        ''')
    assert learner_lines(reference, starter) == {8, 9}
    assert learner_lines(reference, "") == {2, 5, 8, 9, 12, 13}


@functools.cache
def reference_mutants(lesson: manifest.Lesson) -> list[Mutant]:
    return mutants_of(lesson.reference_file.read_text())


@pytest.mark.timeout(30)  # every reference parsed and mutated: a second or two when loaded
def test_every_lesson_has_a_learner_part_smaller_than_its_reference():
    for lesson in manifest.lessons():
        reference = lesson.reference_file.read_text()
        written = learner_lines(reference, lesson.starter_file.read_text())
        mutants = reference_mutants(lesson)
        ours = [m for m in mutants if written.intersection(m.lines)]
        # <=: a configuration lesson (13) hands over signatures only, so all of it is written
        assert 0 < len(ours) <= len(mutants), lesson.slug


# -- the equivalents file ------------------------------------------------------------------

EQUIVALENTS = textwrap.dedent('''\
    # Lesson 0: equivalent mutants (format: tests/README.md)

    Counter.add: `return self.count >= self.limit` → `return self.count > self.limit`
        an example reason
    Counter.__init__#1: `self.count = 0` → `pass`
        the second line of the entry is its reason
    Counter.gone: `x = 1` → `pass`
        stale: there is no such function any more
    ''')


def test_entries_parse_and_match_mutants_by_scope_and_text():
    entries = parse(EQUIVALENTS)
    assert [(e.scope, e.occurrence, e.line) for e in entries] == [
        ("Counter.add", None, 3), ("Counter.__init__", 1, 5), ("Counter.gone", None, 7)]
    assert entries[0].reason == "an example reason"
    mutants = mutants_of(SAMPLE)
    listed, stale = equivalents.match(entries, mutants)
    assert {mutants[n - 1].change for n in listed} == {
        "return self.count >= self.limit → return self.count > self.limit",
        "self.count = 0 → pass"}
    assert stale == [entries[2]]


def test_the_report_line_of_a_survivor_is_a_valid_entry():
    source = "def f():\n    x = 0\n    x = 0\n    return x\n"
    mutants = mutants_of(source)
    for mutant in mutants:
        line = entry_line(mutant, occurrence_of(mutant, mutants))
        listed, stale = equivalents.match(parse(f"{line}\n    reason\n"), mutants)
        assert list(listed) == [mutant.number] and not stale, line
    assert entry_line(mutants[0], occurrence_of(mutants[0], mutants)) == "f#1: `x = 0` → `pass`"


@pytest.mark.parametrize("text, problem", [
    ("Counter.add: `a` → `b`\n", "has no reason"),
    ("Counter.add: `a` → `b`\nCounter.add: `c` → `d`\n    why\n", "line 1: the entry has no"),
    ("    a reason alone\n", "no entry above it"),
    ("Counter.add: a → b\n    why\n", "line 1: expected"),
    ("line 12: `a` → `b`\n    why\n", "expected"),
])
def test_a_malformed_equivalents_file_names_the_line(text, problem):
    with pytest.raises(EquivalentsError, match=problem):
        parse(text, "mutants_equivalent.txt")


@pytest.mark.timeout(30)
def test_every_lessons_equivalents_file_is_well_formed_and_not_stale():
    """Cheap: no grading, only the reference's mutants; an edit that strands an entry fails."""
    for lesson in manifest.lessons():
        entries = equivalents.load(lesson.tests_dir)
        _, stale = equivalents.match(entries, reference_mutants(lesson))
        assert not stale, f"{lesson.slug}: stale entries: {[str(e) for e in stale]}"


# -- grading (a few forked runs of lesson 1) -----------------------------------------------

@pytest.mark.timeout(60)
def test_grading_kills_survives_and_times_out_like_make_check(monkeypatch):
    monkeypatch.setenv("KATA_TIMEOUT", "0.5")
    lesson = manifest.find(1)
    reference = lesson.reference_file.read_text()
    versions = {
        1: reference,
        2: reference + "\n_unused = 1\n",
        3: reference.replace("return func()", "return None"),
        4: reference.replace("    if attempts < 1:", "    while True:\n        pass\n"
                                                    "    if attempts < 1:"),
        5: "raise RuntimeError('at import')\n",
    }
    verdicts = grading.grade_all(lesson, [(k, lambda s=s: s) for k, s in versions.items()],
                                 jobs=2)
    status = {key: verdict.status for key, verdict in verdicts.items()}
    assert status == {1: "survived", 2: "survived", 3: "killed", 4: "timeout", 5: "killed"}
    assert verdicts[5].check == "importing the module"
    assert verdicts[3].check  # the first check that failed, by its plain name


@pytest.mark.timeout(60)
def test_a_small_run_reports_counts_rates_and_json():
    lesson = manifest.find(1)
    result = run_lesson(lesson, jobs=2, only="range(attempts - 1)")
    assert result.baseline.status == "survived"
    assert [o.status for o in result.outcomes] == ["killed"] * 3
    assert result.tally(True).kill_rate == 100.0 and result.tally(True).mutants == 3
    text = report.render(result)
    assert "3 mutants graded" in text and "kill rate 100.0%" in text
    data = json.loads(json.dumps(report.as_json(result, jobs=2)))
    assert data["learner_part"]["killed"] == 3 and data["stale"] == []
    assert {m["entry"] for m in data["mutants"]} == {
        "retry: `range(attempts - 1)` → `range(attempts + 1)`",
        "retry: `range(attempts - 1)` → `range(attempts - 2)`",
        "retry: `range(attempts - 1)` → `range(attempts - 0)`"}


def test_the_command_rejects_bad_input_plainly(capsys):
    assert cli.main(["mutants", "99"]) == cli.USAGE_ERROR
    assert "no lesson '99'" in capsys.readouterr().err
    assert cli.main(["mutants", "1", "--jobs", "0"]) == cli.USAGE_ERROR
    assert "--jobs must be 1 or more" in capsys.readouterr().err
