"""The manifest is the single source of truth, and every lesson it lists is complete."""

from __future__ import annotations

import os
import re

import pytest

from harness.variants import ALTERNATIVE, WRONG, catalogue
from kata import hints, manifest
from kata.manifest import LESSONS_DIR, ROOT, SOLUTIONS_DIR, TESTS_DIR

LESSONS = manifest.lessons()
ids = [lesson.slug for lesson in LESSONS]


def test_numbers_are_1_to_n_and_slugs_match_numbers():
    assert [l.number for l in LESSONS] == list(range(1, len(LESSONS) + 1))
    for lesson in LESSONS:
        assert lesson.slug.startswith(f"{lesson.number:02d}_"), lesson.slug


def test_no_lesson_folder_is_missing_from_the_manifest():
    slugs = set(ids)
    for top in (LESSONS_DIR, SOLUTIONS_DIR):
        strays = {p.name for p in top.iterdir() if p.is_dir() and p.name[:2].isdigit()} - slugs
        assert not strays, f"folders in {top.name}/ that lessons.toml does not list: {strays}"
    strays = {p.name for p in TESTS_DIR.iterdir() if p.is_dir() and p.name[:2].isdigit()} - slugs
    assert not strays, f"folders in tests/ that lessons.toml does not list: {strays}"


def test_readme_lesson_table_matches_the_manifest():
    text = (ROOT / "README.md").read_text()
    rows = re.findall(r"^\| (\d+) \| (.+?) \| (.+?) \| `lessons/(\S+)` \|$", text, re.MULTILINE)
    expected = [(str(l.number), l.title, l.part, l.slug) for l in LESSONS]
    assert rows == expected


@pytest.mark.parametrize("lesson", LESSONS, ids=ids)
def test_lesson_has_every_part(lesson):
    readme = lesson.readme.read_text()
    assert "Interview corner" in readme, f"{lesson.readme} has no Interview corner"
    assert lesson.starter_file.is_file(), f"missing pristine starter {lesson.starter_file}"
    assert lesson.learner_file().is_file(), f"missing {lesson.learner_file()}"
    assert lesson.reference_file.is_file(), f"missing {lesson.reference_file}"
    assert (lesson.reference_file.parent / "INTERVIEW.md").is_file()
    assert list(lesson.tests_dir.glob("test_*.py")), f"no checks in {lesson.tests_dir}"


@pytest.mark.parametrize("lesson", LESSONS, ids=ids)
def test_hints_are_graded_two_to_four(lesson):
    found = hints.parse(lesson.hints_file.read_text())
    assert 2 <= len(found) <= 4, f"{lesson.hints_file}: {len(found)} hints"


@pytest.mark.parametrize("lesson", LESSONS, ids=ids)
def test_starter_is_a_stub_with_todos(lesson):
    text = lesson.starter_file.read_text()
    assert "NotImplementedError" in text and "TODO" in text


@pytest.mark.parametrize("lesson", LESSONS, ids=ids)
def test_learner_file_is_the_pristine_starter(lesson):
    same = lesson.learner_file().read_bytes() == lesson.starter_file.read_bytes()
    if not same and not os.environ.get("CI"):
        pytest.skip(f"{lesson.learner_file().relative_to(ROOT)} differs from its starter: "
                    f"you are working on it (checked on CI only)")
    assert same, f"{lesson.learner_file()} must be byte for byte {lesson.starter_file}"


@pytest.mark.parametrize("lesson", LESSONS, ids=ids)
def test_catalogue_has_wrong_and_correct_entries(lesson):
    entries = catalogue(lesson)
    assert any(e.kind == WRONG for e in entries), "no wrong implementation in the catalogue"
    assert any(e.kind == ALTERNATIVE for e in entries), "no correct alternative"
    checks = set()
    for path in lesson.tests_dir.glob("test_*.py"):
        checks |= set(re.findall(r"^def (test_\w+)\(", path.read_text(), re.MULTILINE))
    for entry in entries:
        unknown = set(entry.caught_by) - checks
        assert not unknown, f"{entry.path.name} names checks that do not exist: {unknown}"
