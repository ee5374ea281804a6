"""The audit's verdicts: a wrong implementation that gets through is reported, never hidden."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from harness import plugin
from harness.variants import ALTERNATIVE, STARTER, WRONG, CatalogueError, Variant, catalogue
from kata.manifest import Lesson


@dataclass
class FakeReport:
    outcome: str
    longrepr: Any = None

    @property
    def passed(self) -> bool:
        return self.outcome == "passed"


@dataclass
class FakeExcInfo:
    value: BaseException


@dataclass
class FakeCall:
    excinfo: FakeExcInfo | None = field(default=None)


WRONG_ENTRY = Variant(WRONG, "off_by_one", Path("off_by_one.py"), "opens one failure late",
                      caught_by=("test_opens",))
STARTER_ENTRY = Variant(STARTER, "starter", Path("starter.py"))


def test_a_wrong_entry_that_passes_fails_the_audit():
    report = FakeReport("passed")
    plugin._invert(report, FakeCall(), WRONG_ENTRY)
    assert report.outcome == "failed" and "must be rejected" in report.longrepr


def test_a_wrong_entry_that_is_rejected_passes_the_audit():
    report = FakeReport("failed", "AssertionError")
    plugin._invert(report, FakeCall(FakeExcInfo(AssertionError("x"))), WRONG_ENTRY)
    assert report.outcome == "passed"


def test_a_starter_must_fail_cleanly():
    clean = FakeReport("failed")
    plugin._invert(clean, FakeCall(FakeExcInfo(NotImplementedError("call"))), STARTER_ENTRY)
    assert clean.outcome == "passed"
    crash = FakeReport("failed")
    plugin._invert(crash, FakeCall(FakeExcInfo(TypeError("boom"))), STARTER_ENTRY)
    assert crash.outcome == "failed" and "fail cleanly" in crash.longrepr


def test_wrong_entries_run_only_in_the_checks_that_must_catch_them():
    assert WRONG_ENTRY.applies_to("test_opens")
    assert not WRONG_ENTRY.applies_to("test_closes")
    assert Variant(ALTERNATIVE, "ok", Path("ok.py")).applies_to("test_closes")


def test_repeated_entries_get_one_id_per_run():
    entry = Variant(WRONG, "racy", Path("racy.py"), caught_by=("test_x",), repeat=3)
    assert entry.ids() == ["wrong:racy#1", "wrong:racy#2", "wrong:racy#3"]


def test_a_catalogue_entry_must_say_what_it_is(tmp_path):
    lesson = Lesson(99, "99_demo", "Demo", "demo", "demo")
    monkey_tests = tmp_path / "99_demo" / "catalogue"
    monkey_tests.mkdir(parents=True)
    (monkey_tests / "vague.py").write_text('"""No verdict."""\n')
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("kata.manifest.TESTS_DIR", tmp_path)
        with pytest.raises(CatalogueError, match="CAUGHT_BY"):
            catalogue(lesson)


def test_inherit_gives_an_entry_everything_the_reference_defines():
    from harness.derive import inherit
    from kata import manifest

    lesson = manifest.find(1)
    namespace: dict[str, Any] = {"__name__": "entry"}
    module = inherit(namespace, str(lesson.catalogue_dir / "wrong_example.py"))
    assert namespace["retry"] is module.retry
    assert namespace["__name__"] == "entry"
    assert module.__file__ == str(lesson.reference_file.resolve())
