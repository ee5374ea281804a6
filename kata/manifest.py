"""The lesson list, read from ``lessons/lessons.toml``: the single source of truth.

Everything that needs to know which lessons exist (the runner, the progress table, the
grader's own tests, the README table check) asks this module; nothing lists lessons by hand.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def shown(path: Path) -> str:
    """A path as the learner sees it: relative to the repository when it is inside."""
    try:
        return str(Path(path).resolve().relative_to(ROOT))
    except ValueError:
        return str(path)
LESSONS_DIR = ROOT / "lessons"
SOLUTIONS_DIR = ROOT / "solutions"
TESTS_DIR = ROOT / "tests"
MANIFEST = LESSONS_DIR / "lessons.toml"
STARTER_DIR_NAME = ".starter"


class UnknownLesson(LookupError):
    """A lesson number or name that the manifest does not list."""


@dataclass(frozen=True)
class Lesson:
    number: int
    slug: str  #: folder name, e.g. ``01_naive_retry``
    title: str
    module: str  #: the file the learner edits, without ``.py``
    part: str

    @property
    def module_file(self) -> str:
        return f"{self.module}.py"

    def learner_file(self, impl_dir: Path = LESSONS_DIR) -> Path:
        """Where a folder laid out like ``lessons/`` keeps this lesson's module."""
        return impl_dir / self.slug / self.module_file

    @property
    def starter_file(self) -> Path:
        """The pristine starter (what ``make reset`` restores)."""
        return LESSONS_DIR / self.slug / STARTER_DIR_NAME / self.module_file

    @property
    def reference_file(self) -> Path:
        return SOLUTIONS_DIR / self.slug / self.module_file

    @property
    def readme(self) -> Path:
        return LESSONS_DIR / self.slug / "README.md"

    @property
    def hints_file(self) -> Path:
        return LESSONS_DIR / self.slug / "HINTS.md"

    @property
    def tests_dir(self) -> Path:
        return TESTS_DIR / self.slug

    @property
    def catalogue_dir(self) -> Path:
        return self.tests_dir / "catalogue"


@cache
def lessons() -> tuple[Lesson, ...]:
    """Every lesson, in order."""
    with MANIFEST.open("rb") as handle:
        data = tomllib.load(handle)
    return tuple(Lesson(number=int(entry["number"]), slug=entry["slug"], title=entry["title"],
                        module=entry["module"], part=entry["part"])
                 for entry in data["lesson"])


def valid_range() -> str:
    numbers = [lesson.number for lesson in lessons()]
    return f"{min(numbers)}..{max(numbers)}"


def find(key: str | int) -> Lesson:
    """The lesson with this number (``"1"``, ``"01"``, ``1``) or folder name."""
    text = str(key).strip()
    for lesson in lessons():
        if text == lesson.slug or (text.isdigit() and int(text) == lesson.number):
            return lesson
    raise UnknownLesson(f"there is no lesson {text!r}; lessons are numbered {valid_range()}")


def by_slug(slug: str) -> Lesson | None:
    return next((lesson for lesson in lessons() if lesson.slug == slug), None)
