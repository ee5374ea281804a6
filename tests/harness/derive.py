"""Catalogue entries written as "the reference, except ...".

Most wrong implementations differ from a right one in a line or two. Copying the whole
reference into each catalogue entry would bury that line in hundreds of others (and leave
dozens of copies to update). Instead an entry takes everything the lesson's reference
defines and overrides only what it gets wrong::

    '''Opens one failure late: `>` where the threshold is inclusive.'''
    from harness.derive import inherit

    CAUGHT_BY = ["test_opens_after_threshold_consecutive_failures"]
    reference = inherit(globals(), __file__)

    class CircuitBreaker(reference.CircuitBreaker):
        def _on_failure(self, trial): ...   # the misconception, and nothing else

The entry is then exactly its misconception, and it stays honest by itself: if the reference
changes so that the override no longer bites, the entry passes its checks and the audit fails.
Correct alternatives (``ACCEPTED = True``) are built differently on purpose: they do not
inherit.
"""

from __future__ import annotations

from pathlib import Path
from types import ModuleType
from typing import Any

from kata import manifest

from . import loader


def inherit(namespace: dict[str, Any], entry_file: str, *, source: str = "reference"
            ) -> ModuleType:
    """Copy every name the lesson's reference (or ``source="starter"``) defines into
    ``namespace`` (an entry's ``globals()``), and return that module.

    The lesson is the one whose ``tests/NN_slug/catalogue/`` holds ``entry_file``.
    """
    lesson = _lesson_of(Path(entry_file))
    path = lesson.reference_file if source == "reference" else lesson.starter_file
    module = loader.load(path)
    namespace.update({name: value for name, value in vars(module).items()
                      if not (name.startswith("__") and name.endswith("__"))})
    return module


def _lesson_of(entry: Path) -> manifest.Lesson:
    for parent in entry.resolve().parents:
        lesson = manifest.by_slug(parent.name)
        if lesson is not None:
            return lesson
    raise LookupError(f"{entry} is not inside a lesson's catalogue folder")


def rewrite(namespace: dict[str, Any], entry_file: str, *replacements: tuple[str, str],
            source: str = "reference") -> None:
    """Run the lesson's reference (or ``source="starter"``) in ``namespace``, with each
    ``(old, new)`` text replacement applied first: "the reference, except these lines".

    Unlike :func:`inherit`, the code runs in the entry's own namespace, so module-level
    functions look each other up there: an entry that redefines ``is_transient`` after
    ``rewrite(globals(), __file__, source="starter")`` changes it for every function that
    calls it. Each ``old`` must occur exactly once, so an entry cannot silently stop biting
    when the reference changes.
    """
    lesson = _lesson_of(Path(entry_file))
    path = lesson.reference_file if source == "reference" else lesson.starter_file
    text = path.read_text()
    for old, new in replacements:
        count = text.count(old)
        if count != 1:
            raise ValueError(f"{entry_file}: the text to replace occurs {count} times in "
                             f"{path} (exactly once is needed): {old!r}")
        text = text.replace(old, new)
    doc = namespace.get("__doc__")  # the entry's misconception, not the reference's docstring
    exec(compile(text, entry_file, "exec"), namespace)  # graded as the entry's own code
    namespace["__doc__"] = doc
